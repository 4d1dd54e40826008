import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { cleanEnv, runCli, tempDir } from "../helpers/cli.js";
import { passingScript } from "../helpers/hub-harness.js";

describe("openkoi chat", () => {
  let model: ModelFake;
  beforeAll(async () => {
    model = await startOpenAIFake();
    model.respondWith(passingScript("There are 3 files."));
  });
  afterAll(() => model.close());

  it("runs each line as a task with the earlier exchanges as context, and handles slash commands", async () => {
    const env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: model.baseURL });
    const input = "how many files are there?\n/status\n/bogus\nand which is largest?\n/quit\n";
    const result = await runCli(["chat", "-m", "openai/gpt-4.1", "-i", "1"], { env, cwd: tempDir("ws"), input });
    expect(result.code).toBe(0);
    expect(result.stdout.match(/There are 3 files\./g)).toHaveLength(2);
    expect(result.stderr).toContain("openai/gpt-4.1 · -i 1 · quality 0.8 · 1 task(s)");
    expect(result.stderr).toContain("Unknown command: /bogus. Type /help for commands.");
    expect(result.stderr).toContain("Session total: 2 task(s)");
    const secondTaskSystem = model
      .chats()
      .map((b) => JSON.stringify(b.messages))
      .filter((m) => m.includes("and which is largest?"));
    expect(secondTaskSystem.some((m) => m.includes("User: how many files are there?"))).toBe(true);
  });
});
