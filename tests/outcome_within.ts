/**
 * For tests of calls that must not hang: a call's outcome, or a sign that it is still pending
 * after a while.
 *
 * @module
 */

/** `promise`'s outcome (`"resolved"`, or its rejection), or `"still pending"` after `ms` ms. */
export async function outcomeWithin(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise((resolve) => timer = setTimeout(resolve, ms, "still pending"));
  try {
    return await Promise.race([promise.then(() => "resolved", (error) => error), pending]);
  } finally {
    clearTimeout(timer);
  }
}
