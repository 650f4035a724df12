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
  readonly order: number;
  readonly run: () => void;
}

/** Schedules lifecycle steps `delay` milliseconds apart and applies the due ones on demand. */
export class Clock {
  /** Milliseconds one lifecycle step takes. */
  readonly delay: number;
  #tasks: Task[] = [];
  #order = 0;

  /** A clock whose lifecycle steps take `delay` milliseconds each. */
  constructor(delay: number) {
    this.delay = delay;
  }

  /** Runs `run` once `steps` lifecycle steps have passed. */
  after(steps: number, run: () => void): void {
    this.#tasks.push({ due: Date.now() + steps * this.delay, order: this.#order++, run });
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
    for (;;) {
      let next = -1;
      for (let i = 0; i < this.#tasks.length; i++) {
        const task = this.#tasks[i];
        if (task.due > now) continue;
        if (next < 0 || isEarlier(task, this.#tasks[next])) next = i;
      }
      if (next < 0) return;
      const [task] = this.#tasks.splice(next, 1);
      task.run();
    }
  }
}

function isEarlier(a: Task, b: Task): boolean {
  return a.due < b.due || (a.due === b.due && a.order < b.order);
}
