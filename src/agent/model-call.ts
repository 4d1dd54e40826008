import { withChildSignal } from "../core/abort.js";
import { CancelledError, ProviderError } from "../core/errors.js";
import type { ChatRequest, ChatResponse } from "../core/model.js";
import { pruneMessages } from "./context-window.js";
import type { Role, RunContext } from "./types.js";

/**
 * One model call as the loop sees it: budget checked first, usage priced and emitted after,
 * and a context overflow answered by pruning the conversation instead of failing.
 */
export async function callModel(
  ctx: RunContext,
  role: Role,
  phase: "plan" | "execute" | "evaluate",
  request: Omit<ChatRequest, "model">,
): Promise<ChatResponse> {
  const bound = ctx.deps[role];
  let messages = request.messages;
  for (;;) {
    if (ctx.signal.aborted) throw new CancelledError();
    ctx.budget.check();
    try {
      // The SDKs leave a listener on the signal they are given per request: each call gets its own, released after it.
      const response = await withChildSignal(ctx.signal, (signal) => bound.provider.chat({ ...request, messages, model: bound.ref.model }, { signal }));
      const { costUsd, priced } = ctx.deps.price(bound.ref, response.usage);
      ctx.emit({
        type: "usage.recorded",
        phase,
        provider: bound.ref.provider,
        model: bound.ref.model,
        inputTokens: response.usage.inputTokens,
        outputTokens: response.usage.outputTokens,
        costUsd,
        priced,
      });
      ctx.budget.record({ tokens: response.usage.inputTokens + response.usage.outputTokens, costUsd });
      return response;
    } catch (error) {
      if (ctx.signal.aborted) throw new CancelledError();
      if (!(error instanceof ProviderError) || error.kind !== "context_overflow") throw error;
      const pruned = pruneMessages(messages);
      if (!pruned) throw error;
      messages = pruned;
    }
  }
}
