import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { isTerminal, type TaskEvent } from "../../core/events.js";
import { FINAL_STATUSES, type TaskRequest, type TaskStatus } from "../../core/task.js";
import type { ToolClass } from "../../core/tool.js";
import type { AppDeps } from "../deps.js";
import { ApiError } from "../http-error.js";
import { metadataProblem } from "../metadata.js";
import { clientKey } from "../rate-limit.js";
import { taskDetailJson, taskListItemJson } from "../views.js";

const createTask = z.strictObject({
  description: z
    .string({ error: "description is required and must be a string" })
    // Its length is checked by the intake, once for every origin ([limits].max_description_chars → 413).
    .refine((s) => s.trim().length > 0, "description must not be blank"),
  max_iterations: z.number().int().min(0).max(20).optional(),
  quality_threshold: z.number().min(0).max(1).optional(),
  model: z
    .string()
    .regex(/^[^/\s]+\/\S+$/, "model must be provider/model, e.g. anthropic/claude-sonnet-4")
    .optional(),
  workspace: z.string().min(1).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  /** Tool classes for this task: a subset of [api].grants (checked against the config below). */
  grants: z.array(z.enum(["read", "write", "shell", "network"]), { error: 'grants must be an array of "read", "write", "shell", "network"' }).optional(),
});

const STATUSES = ["queued", "running", "completed", "failed", "cancelled", "interrupted"] as const;

function urls(id: string) {
  const self = `/api/v1/tasks/${id}`;
  return { self, events: `${self}/events`, cancel: `${self}/cancel` };
}

/** A request may narrow the configured grants, never widen them. */
function resolveGrants(deps: AppDeps, asked: ToolClass[] | undefined): ToolClass[] {
  if (asked === undefined) return [...deps.grants];
  const beyond = asked.filter((g) => !deps.grants.includes(g));
  if (beyond.length > 0) {
    throw new ApiError(
      400,
      "VALIDATION_FAILED",
      `grants: ${beyond.map((g) => `"${g}"`).join(", ")} not allowed by [api].grants (${deps.grants.join(", ") || "none"})`,
    );
  }
  return [...new Set(asked)];
}

function resolveWorkspace(deps: AppDeps, given: string | undefined): string {
  if (given === undefined) return deps.defaults.workspace;
  const path = resolve(given);
  if (!deps.allowedWorkspaces.includes(path)) {
    throw new ApiError(400, "VALIDATION_FAILED", `workspace: "${given}" is not an allowed workspace; add it to [api].workspaces in config.toml`);
  }
  return path;
}

export function taskRoutes(deps: AppDeps): Hono {
  const app = new Hono();

  app.post("/", async (c) => {
    const type = c.req.header("content-type") ?? "";
    if (!type.toLowerCase().startsWith("application/json")) {
      throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the task as JSON with Content-Type: application/json.");
    }
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new ApiError(400, "INVALID_JSON", "The request body is not valid JSON.");
    }
    const parsed = createTask.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join(".") || (issue?.code === "unrecognized_keys" ? issue.keys.join(", ") : "body");
      throw new ApiError(400, "VALIDATION_FAILED", `${field}: ${issue?.message ?? "invalid"}`);
    }
    const input = parsed.data;
    const tooBig = input.metadata === undefined ? undefined : metadataProblem(input.metadata, deps.metadataLimits);
    if (tooBig) throw new ApiError(400, "VALIDATION_FAILED", tooBig);
    const request: TaskRequest = {
      id: randomUUID(),
      description: input.description,
      options: {
        maxIterations: input.max_iterations ?? deps.defaults.maxIterations,
        qualityThreshold: input.quality_threshold ?? deps.defaults.qualityThreshold,
        model: input.model,
        grants: resolveGrants(deps, input.grants),
      },
      origin: { kind: "api" },
      workspace: resolveWorkspace(deps, input.workspace),
      metadata: input.metadata,
    };
    const idempotencyKey = c.req.header("idempotency-key") || undefined;
    // Two tasks editing one workspace at once would clobber each other's files: they run one after the other.
    const submitter = `api:${clientKey(c, deps.token)}`;
    const { taskId, created } = await deps.submit(request, { idempotencyKey, concurrencyKey: `workspace:${request.workspace}`, submitter });
    const status = created ? "queued" : (deps.store.getTask(taskId)?.status ?? "queued");
    return c.json({ id: taskId, status, created, urls: urls(taskId) }, created ? 202 : 200);
  });

  app.get("/", (c) => {
    const status = c.req.query("status");
    if (status !== undefined && !STATUSES.includes(status as TaskStatus)) {
      throw new ApiError(400, "VALIDATION_FAILED", `status: must be one of ${STATUSES.join(", ")}`);
    }
    const limitText = c.req.query("limit");
    const limit = limitText === undefined ? 20 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ApiError(400, "VALIDATION_FAILED", "limit: must be an integer from 1 to 100");
    const page = deps.store.listTasks({ status: status as TaskStatus | undefined, limit, cursor: c.req.query("cursor") });
    const tasks = page.tasks.map((t) => taskListItemJson(t, deps.listDescriptionChars));
    return c.json({ tasks, next_cursor: page.nextCursor ?? null });
  });

  app.get("/:id", (c) => {
    const detail = deps.store.taskDetail(c.req.param("id"));
    if (!detail) throw new ApiError(404, "NOT_FOUND", `No task with id ${c.req.param("id")}.`);
    const pullRequest = deps.store.kvGet(`link:${detail.task.id}:pull_request`);
    return c.json({ ...taskDetailJson(detail), links: pullRequest ? { pull_request: pullRequest } : {} });
  });

  app.post("/:id/cancel", (c) => {
    const id = c.req.param("id");
    const task = deps.store.getTask(id);
    if (!task) throw new ApiError(404, "NOT_FOUND", `No task with id ${id}.`);
    if (FINAL_STATUSES.includes(task.status)) throw new ApiError(409, "ALREADY_FINISHED", `Task ${id} already ended as ${task.status}.`);
    const outcome = deps.cancel(id, "cancelled via the API");
    if (outcome === "cancelling") return c.json({ id, status: "cancelling" }, 202);
    if (outcome === "cancelled") return c.json({ id, status: "cancelled" }, 200);
    throw new ApiError(409, "NOT_CANCELLABLE", `Task ${id} is running in another process (started from the CLI); stop it there.`);
  });

  app.get("/:id/events", (c) => {
    const id = c.req.param("id");
    if (!deps.store.getTask(id)) throw new ApiError(404, "NOT_FOUND", `No task with id ${id}.`);
    const after = Number(c.req.header("last-event-id") ?? c.req.query("after") ?? 0) || 0;
    return streamSSE(c, async (stream) => {
      // Subscribe before replaying so nothing falls between the stored and the live events.
      const pending: TaskEvent[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = deps.bus.subscribe(id, (e) => {
        pending.push(e);
        wake?.();
      });
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      let last = after;
      let done = false;
      const send = async (e: TaskEvent) => {
        if (e.seq <= last) return;
        last = e.seq;
        await stream.writeSSE({ id: String(e.seq), event: e.type, data: JSON.stringify(e) });
        if (isTerminal(e)) done = true;
      };
      try {
        for (const e of deps.store.events(id, after)) await send(e);
        const status = deps.store.getTask(id)?.status;
        if (status && FINAL_STATUSES.includes(status)) done = true;
        while (!done && !stream.aborted) {
          const next = pending.shift();
          if (next) await send(next);
          else {
            await new Promise<void>((r) => {
              const timer = setTimeout(r, 15_000);
              wake = () => {
                clearTimeout(timer);
                r();
              };
            });
            wake = undefined;
            if (pending.length === 0 && !stream.aborted) await stream.write(": keep-alive\n\n");
          }
        }
      } finally {
        unsubscribe();
      }
    });
  });

  return app;
}
