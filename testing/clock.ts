/**
 * The simulator's clock for status lifecycles. Transitions are scheduled with a due time
 * and applied lazily, in due order, whenever a request arrives ({@link Clock.advance}):
 * no timers to clean up, and with a zero delay every transition is visible to the very
 * next request while the answer that started it still shows the transitional status.
 *
 * @module
 */

interface Task {
  readonly due: number;
  readonly run: () => void;
}

/** Schedules lifecycle steps `delay` milliseconds apart and applies the due ones on demand. */
export class Clock {
  /** Milliseconds one lifecycle step takes. */
  readonly delay: number;
  readonly #tasks: Task[] = []; // sorted by due time; equal times in scheduling order

  /** A clock whose lifecycle steps take `delay` milliseconds each. */
  constructor(delay: number) {
    this.delay = delay;
  }

  /** Runs `run` once `steps` lifecycle steps have passed. */
  after(steps: number, run: () => void): void {
    const task = { due: Date.now() + steps * this.delay, run };
    let index = this.#tasks.length;
    while (index > 0 && this.#tasks[index - 1].due > task.due) index--;
    this.#tasks.splice(index, 0, task);
  }

  /**
   * Runs `steps` in sequence, one lifecycle step apart, the first after one step. A step
   * may return `false` to cancel the rest (the object changed meanwhile).
   */
  sequence(steps: readonly (() => boolean | void)[]): void {
    let cancelled = false;
    steps.forEach((step, index) =>
      this.after(index + 1, () => {
        if (!cancelled && step() === false) cancelled = true;
      })
    );
  }

  /** Applies every transition that is due, oldest first (including ones they schedule). */
  advance(): void {
    const now = Date.now();
    while (this.#tasks.length && this.#tasks[0].due <= now) this.#tasks.shift()!.run();
  }
}
