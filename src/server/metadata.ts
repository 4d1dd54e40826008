/** How deep and how large a task's `metadata` may be ([api] metadata_max_depth / metadata_max_bytes). */
export interface MetadataLimits {
  maxDepth: number;
  maxBytes: number;
}

/**
 * The nesting depth of a parsed JSON value, walked with an explicit stack so a body nested 100,000 deep cannot
 * overflow ours; stops as soon as `limit` is passed (returns limit + 1), so the work is bounded by what is allowed.
 * The object itself is depth 1; `{"a": {"b": 1}}` is 2.
 */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (item.value === null || typeof item.value !== "object") continue;
    if (item.depth > limit) return limit + 1;
    deepest = Math.max(deepest, item.depth);
    for (const child of Object.values(item.value)) if (child !== null && typeof child === "object") stack.push({ value: child, depth: item.depth + 1 });
  }
  return deepest;
}

/** Why `metadata` breaks a limit (a sentence for the 400), or undefined when it fits. Depth first: only then is stringify safe. */
export function metadataProblem(metadata: unknown, limits: MetadataLimits): string | undefined {
  if (jsonDepth(metadata, limits.maxDepth) > limits.maxDepth) {
    return `metadata: nested more than ${limits.maxDepth} levels deep (set [api] metadata_max_depth to allow more)`;
  }
  const bytes = Buffer.byteLength(JSON.stringify(metadata));
  if (bytes > limits.maxBytes) return `metadata: ${bytes} bytes of JSON, more than ${limits.maxBytes} (set [api] metadata_max_bytes to allow more)`;
  return undefined;
}
