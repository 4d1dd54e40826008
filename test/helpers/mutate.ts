/**
 * A deterministic, seeded JSON mutator for fuzz tests: from a real payload it makes bodies with fields dropped,
 * replaced, retyped, nested thousands deep, huge, or full of awkward unicode. Same seed, same bodies.
 */
type Json = unknown;

/** mulberry32: a tiny seeded PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;
const pick = <T>(rng: Random, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

/**
 * `[[[…]]]` or `{"a":{"a":…}}` thousands deep cannot even be built and stringified here (JSON.stringify recurses),
 * so it stands as a marker that `toJsonText` expands into the raw text.
 */
const deep = (depth: number, asArray: boolean): Json => `@@deep-${depth}-${asArray ? "a" : "o"}@@`;
const DEEP_MARKER = /"@@deep-(\d+)-([ao])@@"/g;

/** The body as sent on the wire, deep markers expanded. */
export function toJsonText(value: Json): string {
  return (JSON.stringify(value) ?? "null").replace(DEEP_MARKER, (_all, depth: string, kind: string) => {
    const n = Number(depth);
    return kind === "a" ? `${"[".repeat(n)}${"]".repeat(n)}` : `${'{"a":'.repeat(n)}{}${"}".repeat(n)}`;
  });
}

const STRINGS = [
  "",
  " ",
  "U(",
  "(?<x",
  "[",
  "*+?",
  "\\",
  "$&",
  "<@U(>",
  "<at>openkoi</at>",
  "@openkoi",
  "/stop",
  "stop",
  "\u0000",
  "\ud800",
  "\u202e\u2066rtl",
  "🛑🐟👨‍👩‍👧‍👦",
  "é".normalize("NFD"),
  "__proto__",
  "constructor",
  "toString",
  "%s%n",
  "null",
  "1e309",
  "-0",
  "9".repeat(400),
  "<script>",
  "\n\n\r\n",
];

/** A replacement value of any JSON type (and then some awkward ones). */
export function awkwardValue(rng: Random): Json {
  switch (Math.floor(rng() * 14)) {
    case 0:
      return null;
    case 1:
      return rng() < 0.5;
    case 2:
      return pick(rng, [0, -1, 1, 1.5, -0, 2 ** 53 + 1, 1e308, -1e308, Number.MAX_SAFE_INTEGER]);
    case 3:
      return pick(rng, STRINGS);
    case 4:
      return "x".repeat(pick(rng, [1_000, 20_000, 200_000]));
    case 5:
      return pick(rng, STRINGS).repeat(1 + Math.floor(rng() * 2_000));
    case 6:
      return [];
    case 7:
      return {};
    case 8:
      return deep(pick(rng, [10, 100, 5_000]), rng() < 0.5);
    case 9:
      return [pick(rng, STRINGS), 1, null];
    case 10:
      return { id: pick(rng, STRINGS), type: pick(rng, STRINGS) };
    case 11:
      return Array.from({ length: 1 + Math.floor(rng() * 50) }, () => pick(rng, STRINGS));
    case 12:
      return String(Math.floor(rng() * 1e12));
    default:
      return pick(rng, [Number.MIN_VALUE, 42, "42", true, "true"]);
  }
}

const isContainer = (v: Json): v is Record<string, Json> | Json[] => v !== null && typeof v === "object";

/** A random container inside `root` (root included) and one of its keys, walking at most `maxDepth` steps. */
function randomSlot(root: Record<string, Json> | Json[], rng: Random, maxDepth = 6): { parent: Record<string, Json> | Json[]; key: string | number } {
  let parent = root;
  for (let step = 0; step < maxDepth; step++) {
    const keys = Object.keys(parent);
    if (keys.length === 0) break;
    const key = pick(rng, keys);
    const child = (parent as Record<string, Json>)[key];
    if (!isContainer(child) || rng() < 0.3) return { parent, key: Array.isArray(parent) ? Number(key) : key };
    parent = child;
  }
  const keys = Object.keys(parent);
  return { parent, key: keys.length ? pick(rng, keys) : "x" };
}

/** Every string-valued field, however deep (iteratively, at most `limit` of them). */
function stringSlots(root: Record<string, Json> | Json[], limit = 500): Array<{ parent: Record<string, Json>; key: string }> {
  const found: Array<{ parent: Record<string, Json>; key: string }> = [];
  const stack: Json[] = [root];
  for (let node = stack.pop(); node !== undefined && found.length < limit; node = stack.pop()) {
    if (!isContainer(node)) continue;
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === "string") found.push({ parent: node as Record<string, Json>, key });
      else if (isContainer(value)) stack.push(value);
    }
  }
  return found;
}

/** One mutation in place: drop, replace/retype, add a key, wrap in an array, or duplicate a sibling's value. */
function mutateOnce(root: Record<string, Json> | Json[], rng: Random): void {
  // A third of the time, any one text field (ids deep in lists included) becomes an awkward string.
  const strings = rng() < 0.3 ? stringSlots(root) : [];
  if (strings.length > 0) {
    const slot = pick(rng, strings);
    slot.parent[slot.key] = pick(rng, STRINGS);
    return;
  }
  const { parent, key } = randomSlot(root, rng);
  const target = parent as Record<string | number, Json>;
  switch (Math.floor(rng() * 6)) {
    case 0:
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete target[key];
      return;
    case 1:
    case 2:
      target[key] = awkwardValue(rng);
      return;
    case 3:
      target[pick(rng, ["extra", "__proto__", "type", "id", "text", "0"])] = awkwardValue(rng);
      return;
    case 4:
      target[key] = [target[key]];
      return;
    default:
      target[key] = String(target[key]);
  }
}

/**
 * A mutated deep copy of `base`: one to three mutations; now and then the whole body is replaced by a non-object.
 * The copy is made with JSON so the base is never changed.
 */
export function mutate(base: Json, rng: Random): Json {
  if (rng() < 0.03) return awkwardValue(rng);
  const copy = JSON.parse(JSON.stringify(base)) as Json;
  if (!isContainer(copy)) return copy;
  const count = 1 + Math.floor(rng() * 3);
  for (let i = 0; i < count; i++) mutateOnce(copy, rng);
  return copy;
}
