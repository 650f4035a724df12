/**
 * Reading an image server's small answers (JSON, error text) with a size and a time
 * limit, so that a server sending an endless or stalled body cannot fill the memory or
 * hold the transfer forever.
 *
 * @module
 */

/** Most bytes of a small answer that are read (1 MiB, as for the engine's error bodies). */
export const ANSWER_LIMIT = 1 << 20;

/** Default milliseconds for a small answer's body to arrive once its headers are in. */
export const ANSWER_TIMEOUT = 30_000;

/** What came of a small answer: its text, and why it was cut short, if it was. */
export interface SmallAnswer {
  /** The text read (at most {@link ANSWER_LIMIT} bytes of it). */
  readonly text: string;
  /** `size`: the body is larger than the limit; `time`: it did not end in time. */
  readonly cut?: "size" | "time";
}

/**
 * Reads `body` to its end, or up to `limit` bytes or `timeout` milliseconds: past either
 * the rest is cancelled and the answer says it was cut. A failed read rejects.
 */
export async function readSmallAnswer(
  body: ReadableStream<Uint8Array>,
  timeout: number = ANSWER_TIMEOUT,
  limit: number = ANSWER_LIMIT,
): Promise<SmallAnswer> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeUp = new Promise<"time">((resolve) => {
    timer = setTimeout(() => resolve("time"), timeout);
  });
  let cut: "size" | "time" | undefined;
  try {
    while (cut === undefined) {
      const chunk = await Promise.race([reader.read(), timeUp]);
      if (chunk === "time") cut = "time";
      else if (chunk.done) break;
      else if (length + chunk.value.byteLength > limit) {
        chunks.push(chunk.value.subarray(0, limit - length));
        cut = "size";
      } else {
        chunks.push(chunk.value);
        length += chunk.value.byteLength;
      }
    }
  } finally {
    clearTimeout(timer);
    if (cut !== undefined) reader.cancel().catch(() => {});
  }
  const decoder = new TextDecoder();
  const text = chunks.map((chunk) => decoder.decode(chunk, { stream: true })).join("") +
    decoder.decode();
  return cut === undefined ? { text } : { text, cut };
}
