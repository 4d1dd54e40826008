import { channelContract } from "../../contracts/channel-contract.js";
import { deliver, issueCommentPayload, startGitHubTriggerFake } from "../../fakes/github-trigger-fake.js";
import { waitFor } from "../../fakes/http.js";
import { tempDir } from "../../helpers/cli.js";
import { startHubHarness } from "../../helpers/hub-harness.js";

const SECRET = "contract-secret";

channelContract({
  name: "github",
  // GitHub's limit on a comment body; the adapter declares a little less so its marker always fits.
  textLimit: 65_536,
  // GitHub gives up on a webhook after 10 s.
  ackDeadlineMs: 10_000,
  async start({ allowUsers }) {
    const gh = await startGitHubTriggerFake();
    const harness = await startHubHarness({
      channels: { github: { webhook_secret: SECRET, token: gh.token, api_url: gh.url, data_dir: tempDir("gh-data"), allow_users: allowUsers ?? [] } },
    });
    const url = `${harness.url}/channels/github/webhook`;
    const issues = new Map<string, number>();
    const issueOf = (thread: string) => {
      if (!issues.has(thread)) issues.set(thread, issues.size + 1);
      return issues.get(thread) as number;
    };
    const threadOf = (issue: number) => [...issues.entries()].find(([, n]) => n === issue)?.[0] ?? String(issue);
    const payload = (input: { text: string; user?: string; thread: string }) =>
      issueCommentPayload({ repo: gh.repo, cloneUrl: gh.cloneUrl, issue: issueOf(input.thread), body: `@openkoi ${input.text}`, login: input.user ?? "alice" });
    const view = (kind: "post" | "edit") =>
      gh.history.filter((h) => h.kind === kind).map((h) => ({ id: String(h.id), thread: threadOf(h.issue), text: h.body }));
    return {
      harness,
      driver: {
        mention: async (input) => ({ status: (await deliver(url, "issue_comment", payload(input), { secret: SECRET, id: input.deliveryId })).status }),
        forged: async (input) => ({ status: (await deliver(url, "issue_comment", payload(input), { secret: "not-the-secret", id: input.deliveryId })).status }),
        // GitHub has no buttons: the Stop action is a `@openkoi stop` comment in the issue.
        async stop(taskId, thread) {
          await deliver(url, "issue_comment", payload({ text: "stop", thread }), { secret: SECRET });
          await waitFor(() => harness.hub.store.getTask(taskId)?.status === "cancelled", 5000, "the task to be cancelled");
        },
        posts: () => view("post"),
        edits: () => view("edit"),
      },
      async close() {
        await harness.close();
        await gh.close();
      },
    };
  },
});
