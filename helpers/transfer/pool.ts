/**
 * A few workers sharing one list of tasks: each takes the next task when it is done with
 * its own, so that at most `count` tasks are in progress and memory stays at `count`
 * buffers. The first failure stops the others from taking more and is what the pool
 * rejects with, once every worker has stopped and the list of tasks has been closed.
 *
 * @module
 */

/** Runs `work` on every task of `tasks` with `count` workers; `work` gets the worker's number. */
export async function runPool<T>(
  count: number,
  tasks: Iterator<T> | AsyncIterator<T>,
  work: (task: T, worker: number) => Promise<void>,
): Promise<void> {
  let failure: { error: unknown } | undefined;
  const worker = async (index: number) => {
    while (!failure) {
      let next: IteratorResult<T>;
      try {
        next = await tasks.next();
      } catch (error) {
        failure ??= { error };
        return;
      }
      if (next.done || failure) return;
      try {
        await work(next.value, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, count) }, (_, index) => worker(index)));
  if (failure) {
    await Promise.resolve(tasks.return?.()).catch(() => {}); // e.g. lets a source stream go
    throw failure.error;
  }
}
