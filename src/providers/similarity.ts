/** String similarity for "did you mean" suggestions. */

/** Jaro-Winkler similarity in [0, 1]; 1 means equal. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (!a.length || !b.length) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const matchedA = new Array<boolean>(a.length).fill(false);
  const matchedB = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const end = Math.min(i + window + 1, b.length);
    for (let j = Math.max(0, i - window); j < end; j++) {
      if (matchedB[j] || a[i] !== b[j]) continue;
      matchedA[i] = true;
      matchedB[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!matchedA[i]) continue;
    while (!matchedB[k]) k++;
    if (a[i] !== b[k]) transpositions++;
    k++;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Up to `limit` candidates scoring above `threshold` (case-insensitive), best first. */
export function suggest(name: string, candidates: readonly string[], limit = 5, threshold = 0.7): string[] {
  const target = name.toLowerCase();
  return candidates
    .map((candidate) => ({ candidate, score: jaroWinkler(target, candidate.toLowerCase()) }))
    .filter((item) => item.score > threshold)
    .sort((x, y) => y.score - x.score)
    .slice(0, limit)
    .map((item) => item.candidate);
}
