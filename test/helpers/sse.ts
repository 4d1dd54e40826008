/** Reads an SSE stream until it ends (a task's stream ends after its terminal event) or `limit` events. */
export async function readSse(url: string, headers: Record<string, string> = {}, limit = 100) {
  const res = await fetch(url, { headers });
  if (!res.headers.get("content-type")?.includes("text/event-stream")) throw new Error(`${url} is not an event stream: ${res.status}`);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const events: Array<{ id: number; type: string; data: Record<string, unknown> }> = [];
  while (events.length < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut = buffer.indexOf("\n\n");
    while (cut >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const fields = Object.fromEntries(
        block
          .split("\n")
          .filter((l) => l && !l.startsWith(":"))
          .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]),
      );
      if (fields.data) events.push({ id: Number(fields.id), type: String(fields.event), data: JSON.parse(fields.data) });
      cut = buffer.indexOf("\n\n");
    }
  }
  await reader.cancel();
  return events;
}
