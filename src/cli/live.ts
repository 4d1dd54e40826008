import type { Paths } from "../config/paths.js";
import { type CurrentTaskState, readCurrentTask, readHistory } from "../state/files.js";
import { describeDecision } from "./decision-words.js";
import { EXIT } from "./exit.js";
import { thousands } from "./format.js";

export function progressBar(done: number, total: number, width = 30): string {
  const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : 0;
  return `[${"=".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total}`;
}

/** One screen of `status --live`, from a current-task state (local file or the daemon's API). */
export function renderLive(
  state: CurrentTaskState | undefined,
  history: Array<{ description: string; status: string; final_score: number; cost_usd: number }>,
  source: string,
): string {
  const lines = [`openkoi status --live (${source}) — Ctrl-C to exit`, ""];
  if (!state) lines.push("No task has run yet.");
  else {
    lines.push(
      `Task:     ${state.description.split("\n")[0]?.slice(0, 60)}`,
      `ID:       ${state.task_id.slice(0, 8)}   Status: ${state.status}   Phase: ${state.phase}`,
      `Progress: ${progressBar(state.iteration, state.max_iterations)}`,
      `Score:    ${state.current_score.toFixed(2)} (best ${state.best_score.toFixed(2)})`,
      `Cost:     $${state.cost_usd.toFixed(4)}   Tokens: ${thousands(state.tokens_used)}   Elapsed: ${state.elapsed_secs}s`,
      `Decision: ${describeDecision(state.last_decision)}`,
      `Tools:    ${state.tool_calls.slice(-8).join(", ") || "–"}`,
    );
  }
  if (history.length) {
    lines.push("", "Recent:");
    for (const h of history) lines.push(`  ${h.status.padEnd(10)} ${h.final_score.toFixed(2)} $${h.cost_usd.toFixed(4)} ${h.description.slice(0, 50)}`);
  }
  return lines.join("\n");
}

async function fromDaemon(url: string, token: string | undefined): Promise<CurrentTaskState | undefined | null> {
  try {
    const res = await fetch(`${url}/api/v1/status`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(500) });
    if (!res.ok) return null;
    const body = (await res.json()) as { current?: CurrentTaskState | null };
    return body.current ?? undefined;
  } catch {
    return null;
  }
}

/** Redraws every second until Ctrl-C; reads the daemon's API when one answers, else the local state file. */
export async function watchLive(paths: Paths, options: { apiUrl?: string; token?: string; frames?: number } = {}): Promise<number> {
  let frames = 0;
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  process.once("SIGINT", stop);
  while (!stopped && (options.frames === undefined || frames < options.frames)) {
    const remote = options.apiUrl ? await fromDaemon(options.apiUrl, options.token) : null;
    const state = remote === null ? readCurrentTask(paths.stateDir) : remote;
    const screen = renderLive(state, readHistory(paths.stateDir), remote === null ? "state file" : `daemon ${options.apiUrl}`);
    process.stdout.write(process.stdout.isTTY ? `\x1b[2J\x1b[H${screen}\n` : `${screen}\n`);
    frames += 1;
    await new Promise((r) => setTimeout(r, 1000));
  }
  process.off("SIGINT", stop);
  process.stdout.write("Live status stopped.\n");
  return EXIT.ok;
}
