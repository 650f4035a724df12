/**
 * Following an abort signal that many calls share (one `AbortSignal.timeout()`, or a script's
 * Ctrl-C signal, handed to thousands of calls): the signal gets one listener of its own while
 * anyone follows it, which calls every follower, kept in a set. Deno's `addEventListener`
 * looks through the listeners a signal has already, so one listener per call made queueing
 * 20,000 calls take seconds. Once the last follower stops, the listener is removed.
 *
 * @module
 */

/** The followers of a signal, and its one listener. */
interface Following {
  readonly followers: Set<() => void>;
  readonly listener: () => void;
}

const followed = new WeakMap<AbortSignal, Following>();

/**
 * Calls `onAbort` once when `signal` aborts (not when it has already: check `aborted` first).
 * The function returned stops following.
 */
export function followAbort(signal: AbortSignal, onAbort: () => void): () => void {
  let following = followed.get(signal);
  if (following === undefined) {
    const followers = new Set<() => void>();
    const listener = () => {
      followed.delete(signal);
      for (const follower of followers) follower();
    };
    following = { followers, listener };
    followed.set(signal, following);
    signal.addEventListener("abort", listener, { once: true });
  }
  const follower = () => onAbort(); // one entry per follow, even of the same function
  const { followers, listener } = following;
  followers.add(follower);
  return () => {
    if (!followers.delete(follower) || followers.size > 0) return;
    if (followed.get(signal) === following) followed.delete(signal);
    signal.removeEventListener("abort", listener);
  };
}
