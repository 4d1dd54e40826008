/**
 * The contract every integration passes against its loopback fake: a rejected credential names the config keys,
 * a missing object is named, a rate limit is reported with its wait and never retried, bad input costs no request,
 * and a write held by `require_passing_score` reaches the platform only after the work passes review.
 * Each integration's contract.test.ts supplies a driver for its platform.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { holdUntilPassed } from "../../src/agent/held.js";
import type { HeldAction } from "../../src/agent/types.js";
import { OpenKoiError } from "../../src/core/errors.js";
import type { Tool, ToolContext } from "../../src/core/tool.js";
import type { Integration } from "../../src/integrations/common.js";
import { request, runLoop } from "../agent/loop-helpers.js";
import { type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { loopScript } from "../helpers/scripted-model.js";

/** One tool call and the exact result the model must read. */
export interface ContractCall {
  tool: string;
  input: unknown;
  output: string;
}

export interface IntegrationUnderTest {
  /** Configured with the credentials the fake accepts. */
  integration: Integration;
  /** The same fake, a credential it rejects. */
  rejected: Integration;
  /** Requests (HTTP) or connections (SMTP) the fake has received since the last `reset`. */
  seen(): number;
  /** Writes the platform has performed (created, commented, sent) since the last `reset`. */
  writes(): number;
  reset(): void;
  /** The fake answers the next request with the platform's rate limit, asking to wait `seconds`. */
  rateLimitNext(seconds: number): void;
  close(): Promise<void>;
}

export interface IntegrationContractSetup {
  name: string;
  start(): Promise<IntegrationUnderTest>;
  /** The config keys a rejected credential points at, by their full path. */
  credentialKeys: string[];
  /** A read call made with the rejected credential. */
  unauthorized: ContractCall;
  /** A call whose target does not exist, and the words naming what was missing. */
  missing: ContractCall & { names: string };
  /** A call answered with a rate limit of `seconds`; `output` is the exact result. */
  rateLimited: Omit<ContractCall, "output"> & { seconds: number; output: string };
  /** Input the tool's schema refuses; `field` is the field the error must name. */
  badInput: Omit<ContractCall, "output"> & { field: string };
  /** A valid call of a write tool (class write) that succeeds against the fake. */
  write: Omit<ContractCall, "output">;
}

const context: ToolContext = { workspace: "/tmp", dataDir: "/tmp", signal: new AbortController().signal };

function toolOf(integration: Integration, name: string): Tool {
  const tool = integration.tools.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`${integration.name} has no tool ${name}`);
  return tool;
}

export function integrationContract(setup: IntegrationContractSetup): void {
  describe(`${setup.name} — integration contract`, () => {
    let under: IntegrationUnderTest;
    let model: ModelFake;
    beforeAll(async () => {
      under = await setup.start();
      model = await startOpenAIFake();
    });
    afterAll(async () => {
      await under.close();
      await model.close();
    });
    beforeEach(() => under.reset());

    it("turns a rejected credential into a result naming the config keys", async () => {
      const { tool, input, output } = setup.unauthorized;
      const result = await toolOf(under.rejected, tool).run(input, context);
      expect(result).toEqual({ isError: true, output });
      for (const key of setup.credentialKeys) expect(result.output).toContain(key);
      expect(under.seen()).toBe(1);
    });

    it("check() with a rejected credential throws naming the config keys", async () => {
      const error = await under.rejected.check().then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(OpenKoiError);
      for (const key of setup.credentialKeys) expect((error as OpenKoiError).message).toContain(key);
    });

    it("names what was missing", async () => {
      const { tool, input, output, names } = setup.missing;
      const result = await toolOf(under.integration, tool).run(input, context);
      expect(result).toEqual({ isError: true, output });
      expect(result.output).toContain(names);
    });

    it("reports a rate limit with its wait and does not retry", async () => {
      const { tool, input, output, seconds } = setup.rateLimited;
      under.rateLimitNext(seconds);
      const result = await toolOf(under.integration, tool).run(input, context);
      expect(result).toEqual({ isError: true, output });
      expect(result.output).toContain(String(seconds));
      expect(under.seen()).toBe(1);
    });

    it("refuses bad input before any request, naming the field", async () => {
      const { tool, input, field } = setup.badInput;
      const result = await toolOf(under.integration, tool).run(input, context);
      expect(result.isError).toBe(true);
      expect(result.output).toMatch(new RegExp(`^Invalid input for ${tool}: (.*; )?${field.replace(/\./g, "\\.")}: `));
      // Held or not: invalid input is answered at once, never parked until review.
      const held: HeldAction[] = [];
      const wrapped = await holdUntilPassed(toolOf(under.integration, tool), held).run(input, context);
      expect(wrapped).toEqual(result);
      expect(held).toEqual([]);
      expect(under.seen()).toBe(0);
    });

    it("holds a write until the work passes review: nothing reaches the platform on a failing score", async () => {
      const { result, writes } = await runHeld(4);
      expect(result).toMatchObject({ type: "task.completed", passed: false, iterations: 1 });
      expect((result as { output: string }).output).toContain(`1 held action(s) not run: the work did not pass review: ${setup.write.tool}`);
      expect(writes).toBe(0);
      expect(under.seen()).toBe(0);
    });

    it("performs the held write exactly once after a passing score", async () => {
      const { result, writes, events } = await runHeld(9);
      expect(result).toMatchObject({ type: "task.completed", passed: true, iterations: 1 });
      expect(writes).toBe(1);
      const results = events.filter((e) => e.type === "tool.result" && e.name === setup.write.tool);
      expect(results.map((e) => (e as { isError: boolean }).isError)).toEqual([false, false]);
      expect((results[0] as { output: string }).output).toMatch(/^Held: /);
    });

    /** The real loop, a scripted model calling the write tool once, and the judge's score for every dimension. */
    async function runHeld(score: number) {
      const tool = toolOf(under.integration, setup.write.tool);
      expect(tool.class).toBe("write");
      const held: HeldAction[] = [];
      model.respondWith(
        loopScript({
          execute: () => ({ toolCalls: [{ name: tool.name, input: setup.write.input }] }),
          judge: (_n, dims) => ({ scores: Object.fromEntries(dims.map((d) => [d, score])) }),
        }),
      );
      const run = await runLoop(model, request({}, { maxIterations: 1, qualityThreshold: 0.8 }), {
        tools: [holdUntilPassed(tool, held)],
        deps: { heldActions: () => held },
      });
      return { ...run, writes: under.writes() };
    }
  });
}
