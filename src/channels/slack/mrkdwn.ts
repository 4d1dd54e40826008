/**
 * Slack's mrkdwn is not Markdown: `&`, `<` and `>` are control characters (`<@U1>`, `<!channel>`, `<url|text>`),
 * bold is `*x*`, links are `<url|text>`. Text from users or the model goes through here so it can never ping
 * a channel or forge a link, while the model's Markdown still reads well.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const FENCE = /```[^\n`]*\n?([\s\S]*?)```/g;

/** Markdown (as models write it) → safe mrkdwn; code blocks and inline code are kept verbatim (escaped). */
export function toMrkdwn(markdown: string): string {
  let out = "";
  let last = 0;
  for (const match of markdown.matchAll(FENCE)) {
    out += inlineToMrkdwn(markdown.slice(last, match.index));
    out += `\`\`\`${escapeMrkdwn((match[1] ?? "").replace(/\n$/, ""))}\`\`\``;
    last = match.index + match[0].length;
  }
  return out + inlineToMrkdwn(markdown.slice(last));
}

function inlineToMrkdwn(text: string): string {
  // Odd pieces are inline code spans: escaped, otherwise untouched.
  return text
    .split(/(`[^`\n]+`)/)
    .map((piece, i) => (i % 2 === 1 ? escapeMrkdwn(piece) : convertProse(escapeMrkdwn(piece))))
    .join("");
}

function convertProse(text: string): string {
  return text
    .replace(/^#{1,6}[ \t]+(.+?)[ \t]*#*$/gm, "*$1*")
    .replace(/\*\*(?=\S)([^*\n]+?)\*\*/g, "*$1*")
    .replace(/__(?=\S)([^_\n]+?)__/g, "*$1*")
    .replace(/~~(?=\S)([^~\n]+?)~~/g, "~$1~")
    .replace(/^([ \t]*)[-*][ \t]+/gm, "$1• ")
    .replace(/\[([^\]\n|]+)\]\((https?:\/\/[^\s)|]+)\)/g, "<$2|$1>");
}
