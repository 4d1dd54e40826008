// An OpenAI-compatible model that answers at once: every task plans, lists the workspace, summarises and scores 9/10.
import { createServer } from "node:http";

const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

function toolCall(n, name, input) {
  return { role: "assistant", content: null, tool_calls: [{ id: `call_${n}`, type: "function", function: { name, arguments: JSON.stringify(input) } }] };
}

/** The judge is asked for the rubric's dimensions through the submit_evaluation tool's schema. */
function dimensionsOf(body) {
  const tool = (body.tools ?? []).find((t) => t.function?.name === "submit_evaluation");
  return Object.keys(tool?.function?.parameters?.properties?.scores?.properties ?? {});
}

function reply(body, n) {
  const choice = body.tool_choice?.function?.name;
  if (choice === "submit_plan") return toolCall(n, "submit_plan", { steps: ["Look at the workspace"], files: [] });
  if (choice === "submit_evaluation") {
    const scores = Object.fromEntries(dimensionsOf(body).map((d) => [d, 9]));
    return toolCall(n, "submit_evaluation", { scores, findings: [], summary: "ok" });
  }
  if (body.messages?.at(-1)?.role === "tool") return { role: "assistant", content: "Done: looked at the workspace." };
  return toolCall(n, "list_files", {});
}

export async function startInstantModel() {
  let n = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      if (req.method === "GET" && req.url.endsWith("/models")) {
        res.end(JSON.stringify({ object: "list", data: [{ id: "gpt-4.1", object: "model", created: 1_700_000_000, owned_by: "bench" }] }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString() || "{}");
      n += 1;
      const message = reply(body, n);
      const finish = message.tool_calls ? "tool_calls" : "stop";
      res.end(
        JSON.stringify({
          id: `c${n}`,
          object: "chat.completion",
          created: 1_700_000_000,
          model: body.model,
          choices: [{ index: 0, message, finish_reason: finish }],
          usage,
        }),
      );
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    calls: () => n,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
