/**
 * Ctrl-C in the examples that start a transfer, a backup or a snapshot: the first Ctrl-C
 * aborts a signal the script hands to its calls and to the SDK's helpers, so that the work
 * stops, the helpers clean up (a transfer cancelled, a new disk removed) and the script's
 * `finally` blocks run and say what they left behind; the script then ends with exit code 130
 * and the error's message (the helpers add what they could not clean up, with ids), without a
 * stack trace. A second Ctrl-C ends the script at once, naming what the script noted with
 * `track` and has not dealt with yet (a backup, a transfer, with their ids), or what a helper
 * told it made while it runs within `tracking`.
 *
 * ```ts
 * using interrupt = onCtrlC();
 * await interrupt.tracking((note) =>
 *   uploadImage(connection, "disk.img", {
 *     storageDomain: "data",
 *     signal: interrupt.signal,
 *     onDisk: (disk) => note(`disk ${disk.name} (${disk.id})`),
 *     onTransfer: (transfer) => note(`image transfer ${transfer.id}`),
 *   })
 * );
 * ```
 *
 * @module
 */

/** The reason of an abort by Ctrl-C. */
export class Interrupted extends Error {
  /** The reason for a script stopped by Ctrl-C. */
  constructor() {
    super("Interrupted by Ctrl-C");
    this.name = "Interrupted";
  }
}

/** Listens for Ctrl-C (SIGINT) until disposed; see the module's documentation. */
export interface CtrlC extends Disposable {
  /** Aborts, with an {@link Interrupted} error as its reason, at the first Ctrl-C. */
  readonly signal: AbortSignal;
  /**
   * Notes an object the script made and is to end or remove (`"backup <id> of VM web"`), so
   * that a second Ctrl-C names it; the function returned drops the note once it is dealt with.
   */
  track(what: string): () => void;
  /**
   * Runs `call`, handing it `note` to {@link track} what it makes as it makes it (from a
   * helper's `onDisk` or `onTransfer`), and drops those notes once it has settled: the helper
   * has dealt with them then (kept as asked, or cleaned up, or named in its error).
   */
  tracking<T>(call: (note: (what: string) => void) => Promise<T>): Promise<T>;
}

/**
 * Starts listening for Ctrl-C. The first one aborts `signal` and says on stderr that the
 * script is cleaning up; the error the script then ends with is told by its message alone,
 * with exit code 130. A second Ctrl-C exits at once with code 130 (the clean-up left undone),
 * naming what is tracked.
 */
export function onCtrlC(): CtrlC {
  const controller = new AbortController();
  // Kept after disposal: the script's error reaches it once its `using` blocks are left.
  globalThis.addEventListener("unhandledrejection", (event) => {
    if (!controller.signal.aborted) return;
    Deno.exitCode = 130;
    // Told already by the listener that handled it (see `refused.ts`).
    if (event.defaultPrevented) return;
    event.preventDefault();
    const reason: unknown = event.reason;
    console.error(reason instanceof Error ? reason.message : String(reason));
  });
  const tracked = new Set<{ what: string }>();
  const listener = () => {
    if (controller.signal.aborted) {
      const left = [...tracked].map((note) => note.what);
      console.error(
        "Interrupted again: exiting without finishing the clean-up" +
          (left.length > 0 ? `; left: ${left.join(", ")}` : ""),
      );
      Deno.exit(130);
    }
    console.error("Interrupted: cleaning up (press Ctrl-C again to exit at once)");
    controller.abort(new Interrupted());
  };
  const track = (what: string) => {
    const note = { what };
    tracked.add(note);
    return () => void tracked.delete(note);
  };
  Deno.addSignalListener("SIGINT", listener);
  return {
    signal: controller.signal,
    track,
    tracking: async (call) => {
      const notes: (() => void)[] = [];
      try {
        return await call((what) => void notes.push(track(what)));
      } finally {
        notes.forEach((drop) => drop());
      }
    },
    [Symbol.dispose]: () => Deno.removeSignalListener("SIGINT", listener),
  };
}
