import type { RichMessage } from "../../core/rich-message.js";
import type { ThreadRef } from "../../core/task.js";
import type { MessageRef, ThreadApi } from "../types.js";
import { renderComment, renderText } from "./render.js";
import { type Client, call, splitRepo } from "./rest.js";

export interface GitHubThreadApi extends ThreadApi {
  /** Appends a line (the pull request link) to a task's tracking comment, now and in every later edit. */
  attachFooter(taskId: string, footer: string): Promise<boolean>;
}

const REACTIONS = { eyes: "eyes", check: "rocket", x: "confused" } as const;
const REMEMBERED = 500;

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > REMEMBERED) map.delete(map.keys().next().value as K);
}

/** Where replies go: the issue or PR that was commented on (its session may be another issue). */
const target = (thread: ThreadRef) => Number(thread.extra?.reply_to ?? thread.thread);
const stopTaskId = (message: RichMessage) => message.buttons.find((b) => b.id === "openkoi_stop")?.value;

/** Issue comments as a thread: the tracking comment is posted once and edited in place. */
export function createGitHubApi(client: Client, trigger: string): GitHubThreadApi {
  const lastMessage = new Map<string, RichMessage>();
  const footers = new Map<string, string>();
  const tracking = new Map<string, MessageRef>();
  const chains = new Map<string, Promise<void>>();

  // Edits of one comment go out in order, so a late footer edit never overwrites the final state.
  const serial = (id: string, work: () => Promise<void>): Promise<void> => {
    const next = (chains.get(id) ?? Promise.resolve()).catch(() => undefined).then(work);
    remember(chains, id, next);
    return next;
  };

  const edit = async (ref: MessageRef, message: RichMessage) => {
    const octokit = await client(ref.thread.conversation);
    const body = renderComment(message, trigger, footers.get(ref.id));
    await call("edit the tracking comment", () =>
      octokit.rest.issues.updateComment({ ...splitRepo(ref.thread.conversation), comment_id: Number(ref.id), body }),
    );
  };

  const track = (ref: MessageRef, message: RichMessage) => {
    remember(lastMessage, ref.id, message);
    const taskId = stopTaskId(message);
    if (taskId) remember(tracking, taskId, ref);
  };

  const createComment = async (thread: ThreadRef, body: string): Promise<MessageRef> => {
    const octokit = await client(thread.conversation);
    const issue_number = target(thread);
    const { data } = await call(`comment on ${thread.conversation}#${issue_number}`, () =>
      octokit.rest.issues.createComment({ ...splitRepo(thread.conversation), issue_number, body }),
    );
    return { thread, id: String(data.id), extra: { issue: String(issue_number) } };
  };

  return {
    textLimit: 65_000,
    minEditIntervalMs: 2000,
    async post(thread, message) {
      const ref = await createComment(thread, renderComment(message, trigger));
      track(ref, message);
      return ref;
    },
    update(ref, message) {
      track(ref, message);
      return serial(ref.id, () => edit(ref, lastMessage.get(ref.id) ?? message));
    },
    postText: (thread, text) => createComment(thread, renderText(text)),
    async react(thread, messageId, emoji) {
      const octokit = await client(thread.conversation);
      const where = splitRepo(thread.conversation);
      const content = REACTIONS[emoji];
      const what = `react to ${messageId} in ${thread.conversation}`;
      if (messageId.startsWith("issue:"))
        await call(what, () => octokit.rest.reactions.createForIssue({ ...where, issue_number: Number(messageId.slice(6)), content }));
      else if (thread.extra?.comment_kind === "review")
        await call(what, () => octokit.rest.reactions.createForPullRequestReviewComment({ ...where, comment_id: Number(messageId), content }));
      else await call(what, () => octokit.rest.reactions.createForIssueComment({ ...where, comment_id: Number(messageId), content }));
    },
    async attachFooter(taskId, footer) {
      const ref = tracking.get(taskId);
      const message = ref && lastMessage.get(ref.id);
      if (!ref || !message) return false;
      remember(footers, ref.id, footer);
      await serial(ref.id, () => edit(ref, lastMessage.get(ref.id) ?? message));
      return true;
    },
  };
}
