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

Deno.test("limiter: a lent slot serves a waiter; taken back, the cap holds again", async () => {
  const limiter = new Limiter(1);
  const stream = limiter.tryAcquire()!;
  const reclaim = limiter.lend(stream); // the stream's loop works on an item
  const inside = limiter.acquire(); // a call the loop makes meanwhile
  const insideRelease = await inside; // granted at once
  assert.equal(limiter.tryAcquire(), undefined, "one lent slot serves one caller");
  insideRelease();
  const another = limiter.tryAcquire();
  assert.ok(another, "the lent slot is free again while still lent");
  another();
  reclaim();
  reclaim(); // once only
  assert.equal(limiter.tryAcquire(), undefined, "taken back: the holder's again");
  const after = limiter.acquire();
  stream();
  (await after)();
  assert.ok(limiter.tryAcquire(), "nothing is left taken");
});

Deno.test("limiter: a slot of the cap is lent to any waiter, a borrowed one only to later ones", async () => {
  const limiter = new Limiter(1);
  const first = limiter.tryAcquire()!;
  // Two streams read side by side: the second's request queued before the first lent its slot.
  const second = limiter.acquire();
  const third = limiter.acquire().then((release) => (thirdGranted = true, release));
  let thirdGranted = false;
  const reclaimFirst = limiter.lend(first);
  const secondRelease = await second; // served: waiting for it would deadlock the pair
  await Promise.resolve();
  assert.equal(thirdGranted, false, "one loan serves one caller");
  // The second stream's loop works on an item: its borrowed slot goes to its own calls only.
  const reclaimSecond = limiter.lend(secondRelease);
  await Promise.resolve();
  assert.equal(thirdGranted, false, "a caller queued before that loan is not served by it");
  const inside = await limiter.acquire(); // a call of the second stream's loop: at once
  inside();
  reclaimSecond();
  secondRelease();
  await Promise.resolve();
  assert.equal(thirdGranted, true, "the first stream's loan, given back, serves the next");
  (await third)();
  reclaimFirst();
  first();
  assert.ok(limiter.tryAcquire(), "nothing is left taken");
});

Deno.test("limiter: a slot taken back while lent out passes the cap only until one is freed", async () => {
  const limiter = new Limiter(1);
  const stream = limiter.tryAcquire()!;
  const reclaim = limiter.lend(stream);
  const borrower = limiter.tryAcquire()!;
  reclaim(); // the holder reads on while the borrower still runs: two in flight
  const waiting = limiter.acquire();
  let granted = false;
  waiting.then(() => granted = true);
  borrower();
  await Promise.resolve();
  assert.equal(granted, false, "freeing the borrowed slot brings the count back to the cap");
  stream();
  (await waiting)();
  assert.equal(granted, true);
});

Deno.test("limiter: a holder done before its borrower frees its slot when the borrower is done", async () => {
  const limiter = new Limiter(1);
  const stream = limiter.tryAcquire()!;
  const reclaim = limiter.lend(stream); // the stream's loop works on an item
  const borrower = limiter.tryAcquire()!; // another stream's request, now in flight
  reclaim();
  stream(); // the first stream's answer ended while the borrower still reads
  let granted = false;
  const waiting = limiter.acquire().then((release) => (granted = true, release));
  await Promise.resolve();
  assert.equal(limiter.tryAcquire(), undefined, "the borrower's request still holds the slot");
  assert.equal(granted, false, "a third request waits while two are in flight");
  borrower();
  (await waiting)();
  assert.equal(granted, true, "the slot is free once the borrower is done");
  const last = limiter.tryAcquire();
  assert.ok(last, "nothing is left taken");
  last();
});

Deno.test("limiter: a borrower done before its own borrower keeps the slot it borrowed", () => {
  const limiter = new Limiter(1);
  const stream = limiter.tryAcquire()!;
  const reclaimStream = limiter.lend(stream);
  const second = limiter.tryAcquire()!; // borrows the stream's slot
  const reclaimSecond = limiter.lend(second); // its loop works on an item
  const inside = limiter.tryAcquire()!; // a call of that loop borrows it
  reclaimSecond();
  second(); // the second stream ended while its loop's call still runs
  assert.equal(limiter.tryAcquire(), undefined, "the stream's loan is still in use");
  inside();
  assert.ok(limiter.tryAcquire(), "the stream's loan is free again once the call is done");
  reclaimStream();
  stream();
});

Deno.test("limiter: close refuses the waiters and later callers; held and past-cap slots work", async () => {
  const limiter = new Limiter(1);
  const held = await limiter.acquire();
  const waiting = limiter.acquire();
  const closed = new Error("closed");
  limiter.close(closed);
  await assert.rejects(waiting, (error) => error === closed);
  await assert.rejects(limiter.acquire(), (error) => error === closed);
  assert.equal(limiter.tryAcquire(), undefined);
  const past = limiter.pastCap(); // the logout of a closing connection
  past();
  held();
  assert.equal(limiter.tryAcquire(), undefined, "still closed once the slots are back");
});

Deno.test("limiter: close() aborts its closing signal with the reason callers are refused with", async () => {
  const limiter = new Limiter(1);
  const held = await limiter.acquire();
  const waiting = limiter.acquire();
  assert.equal(limiter.closing.aborted, false);
  const reason = new Error("closed");
  limiter.close(reason);
  limiter.close(new Error("closed again"));
  assert.equal(limiter.closing.reason, reason);
  await assert.rejects(waiting, (error) => error === reason);
  await assert.rejects(limiter.acquire(), (error) => error === reason);
  held();
});
