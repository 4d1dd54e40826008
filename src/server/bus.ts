import type { EventSink, TaskEvent } from "../core/events.js";

/** In-process fan-out of live task events (SSE streams, chat renderers); the store keeps the durable copy. */
export interface EventBus {
  publish: EventSink;
  /** Subscribe to one task's events, or to all with "*". Returns the unsubscribe function. */
  subscribe(taskId: string | "*", listener: EventSink): () => void;
}

export function createEventBus(): EventBus {
  const listeners = new Map<string, Set<EventSink>>();
  const notify = (key: string, event: TaskEvent) => {
    for (const listener of listeners.get(key) ?? []) {
      try {
        listener(event);
      } catch {
        // A broken subscriber (a closed stream) must not stop the others.
      }
    }
  };
  return {
    publish(event) {
      notify(event.taskId, event);
      notify("*", event);
    },
    subscribe(taskId, listener) {
      const set = listeners.get(taskId) ?? new Set<EventSink>();
      listeners.set(taskId, set);
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(taskId);
      };
    },
  };
}
