import assert from "node:assert/strict";
import { Limiter } from "../transport/limiter.ts";

Deno.test("limiter: waiters get slots in arrival order", async () => {
  const limiter = new Limiter(1);
  const order: number[] = [];
  const first = await limiter.acquire();
  const waiting = [1, 2, 3].map((n) =>
    limiter.acquire().then((release) => {
      order.push(n);
      release();
    })
  );
  first();
  await Promise.all(waiting);
  assert.deepEqual(order, [1, 2, 3]);
});

Deno.test("limiter: a free slot is taken at once; none while all are busy or when aborted", async () => {
  const limiter = new Limiter(1);
  assert.equal(limiter.tryAcquire(AbortSignal.abort(new Error("gone"))), undefined);
  const held = limiter.tryAcquire();
  assert.ok(held);
  assert.equal(limiter.tryAcquire(), undefined, "the only slot is taken");
  const waiting = limiter.acquire();
  held();
  assert.equal(limiter.tryAcquire(), undefined, "the freed slot went to the waiter");
  (await waiting)();
  const again = limiter.tryAcquire();
  assert.ok(again);
  again();
});

Deno.test("limiter: an aborted waiter leaves the queue and takes no slot", async () => {
  const limiter = new Limiter(1);
  const held = await limiter.acquire();
  const controller = new AbortController();
  const abandoned = limiter.acquire(controller.signal);
  const next = limiter.acquire();
  controller.abort(new Error("gone"));
  await assert.rejects(abandoned, /gone/);
  held();
  const release = await next;
  release();
  release();
  // Releasing twice gave back one slot only: the next acquire waits until it is aborted.
  const again = await limiter.acquire();
  await assert.rejects(limiter.acquire(AbortSignal.timeout(20)), { name: "TimeoutError" });
  again();
  await assert.rejects(limiter.acquire(AbortSignal.abort(new Error("late"))), /late/);
});
