/** The dependency rule holds by tooling: scripts/check-imports.mjs (also run by `npm run check`). */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { violations } from "../scripts/check-imports.mjs";
import { tempDir } from "./helpers/cli.js";

const check = violations as (root?: string) => string[];

describe("the folder dependency rule", () => {
  it("holds for src/", () => {
    expect(check()).toEqual([]);
  });

  it("catches a channel importing the agent, and code imported where only types may be", () => {
    const root = tempDir("arch");
    mkdirSync(join(root, "src/channels/slack"), { recursive: true });
    mkdirSync(join(root, "src/agent"), { recursive: true });
    writeFileSync(join(root, "src/agent/loop.ts"), "export const x = 1;\n");
    writeFileSync(
      join(root, "src/channels/slack/index.ts"),
      'import { x } from "../../agent/loop.js";\nimport type { Store } from "../../store/index.js";\nimport { openStore } from "../../store/index.js";\n',
    );
    expect(check(root)).toEqual([
      'src/channels/slack/index.ts: src/channels may not import from src/agent ("../../agent/loop.js")',
      'src/channels/slack/index.ts: src/channels may not import code from (types only are allowed) src/store ("../../store/index.js")',
    ]);
  });
});
