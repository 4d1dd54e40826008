/**
 * Words that look like a command are not tasks: `openkoi learn` or `openkoi disconnect copilot` must not start an
 * agent that edits files. A quoted phrase (a first argument with a space) is a task, and so are three or more plain
 * words unless the first is a command of the original openkoi; `openkoi run "…"` forces a task.
 */

/** Commands of the original openkoi (2026.2.25) that this one does not have, and what to do instead. */
const ORIGINAL_COMMANDS: Record<string, { instead?: string; why?: string }> = {
  disconnect: { instead: "connect remove" },
  init: { instead: "doctor", why: "No init step is needed: openkoi works without a config file, and `openkoi connect <provider>` saves a key" },
  dashboard: { instead: "status --live" },
  learn: { why: "openkoi has no learn command: skills are SKILL.md files (see the README's Skills)" },
  update: { why: "openkoi does not update itself: update the checkout (git pull && npm ci && npm run build)" },
  migrate: { why: "The database migrates itself when openkoi opens it" },
};

/** Edit distance (insertions, deletions, substitutions). */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The command a word is a typo of: within 2 edits (1 for words of up to 3 letters), the closest first. */
export function closestCommand(word: string, commands: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const limit = lower.length <= 3 ? 1 : 2;
  const scored = commands.map((command) => ({ command, distance: levenshtein(lower, command) })).filter((item) => item.distance <= limit);
  return scored.sort((x, y) => x.distance - y.distance)[0]?.command;
}

const quote = (text: string) => `"${text.replaceAll('"', '\\"')}"`;

/**
 * The usage message when the words look like a command rather than a task, else undefined (run them as a task).
 * `withStdin`: the words only introduce a task read from stdin (`--stdin`), so a single word is fine.
 */
export function commandLikeWords(words: readonly string[], commands: readonly string[], withStdin: boolean): string | undefined {
  const [first] = words;
  if (first === undefined || /\s/.test(first)) return undefined;
  const key = first.toLowerCase();
  const original = Object.hasOwn(ORIGINAL_COMMANDS, key) ? ORIGINAL_COMMANDS[key] : undefined;
  if (!original && (words.length > 2 || withStdin)) return undefined;
  const typo = original ? undefined : closestCommand(first, commands);
  const task = words.join(" ");
  const lines = [`openkoi: "${first}" is not a command.`];
  const instead = original?.instead ?? typo;
  if (instead) lines[0] += ` Did you mean "${instead}"?${instead === "connect remove" && words[1] ? ` (openkoi connect remove ${words[1]})` : ""}`;
  if (original?.why) lines.push(`  ${original.why}.`);
  lines.push(`  To run it as a task instead: openkoi run ${quote(task)}`);
  if (!instead) lines.push(`  Commands: ${commands.join(", ")} (openkoi --help)`);
  return lines.join("\n");
}
