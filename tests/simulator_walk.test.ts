/**
 * Walks every service of the model that the simulator's seeded inventory makes reachable,
 * through the SDK: `get` or `list` on each, using the ids of listed objects for the
 * locators that take one. Nothing may answer 500 or something the SDK cannot parse.
 */

import assert from "node:assert/strict";
import { NotFoundError } from "../mod.ts";
import type { Service } from "../mod.ts";
import { ROOT_SERVICE, SERVICES } from "../services/metadata.ts";
import { simulatorSession } from "./sim_session.ts";

type Callable = Service & Record<string, (options?: object) => Promise<unknown>>;

/** Ids for locators below services that cannot list them (seeded objects). */
const KNOWN_IDS: Record<string, string[]> = { SystemOptionsService: ["MaxVmsInPool"] };

interface Visit {
  readonly path: string;
  readonly service: string;
}

Deno.test("simulator: every reachable service answers get or list", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const answered = new Set<string>(); // service classes that answered with an object or list
  const failures: string[] = [];
  const queue: Visit[] = [{ path: "", service: ROOT_SERVICE }];
  const seenPaths = new Set<string>();
  let calls = 0;
  while (queue.length) {
    const visit = queue.shift()!;
    const meta = SERVICES[visit.service];
    const service = connection.service(visit.path) as Callable;
    let ids: string[] = [];
    for (const kind of ["list", "get"] as const) {
      if (!meta.methods.some((method) => method.name === kind)) continue;
      calls++;
      try {
        const result = await service[kind]();
        answered.add(visit.service);
        if (kind === "list") {
          assert.ok(Array.isArray(result), `${visit.path}: list gave ${typeof result}`);
          ids = (result as { id?: string }[]).flatMap((item) => (item.id ? [item.id] : []));
        }
      } catch (error) {
        if (!(error instanceof NotFoundError)) failures.push(`${kind} /${visit.path}: ${error}`);
      }
    }
    for (const locator of meta.locators) {
      const segments = locator.segment
        ? [locator.segment]
        // Every id of a short list (the instance types: an engine's built-in Tiny to XLarge,
        // and the seeded one with NICs), else the first two.
        : [...(ids.length <= 6 ? ids : ids.slice(0, 2)), ...(KNOWN_IDS[visit.service] ?? [])];
      for (const segment of segments) {
        const path = visit.path === ""
          ? encodeURIComponent(segment)
          : `${visit.path}/${encodeURIComponent(segment)}`;
        // Each service class is walked below at most twice, to keep the walk finite.
        const key = `${locator.service}:${path.split("/").length}`;
        if (seenPaths.has(path) || (answered.has(locator.service) && seenPaths.has(key))) continue;
        seenPaths.add(path);
        seenPaths.add(key);
        queue.push({ path, service: locator.service });
      }
    }
  }
  assert.deepEqual(failures, []);
  const missed = [...reachable()].filter((name) =>
    SERVICES[name].methods.some((method) => method.name === "get" || method.name === "list") &&
    !answered.has(name)
  );
  assert.deepEqual(missed, [], "every reachable service with get or list answered at least once");
  assert.ok(calls > 300, `${calls} calls`);
});

/** The service classes reachable from the root through locators. */
function reachable(): Set<string> {
  const found = new Set([ROOT_SERVICE]);
  const queue = [ROOT_SERVICE];
  while (queue.length) {
    for (const locator of SERVICES[queue.shift()!].locators) {
      if (!found.has(locator.service)) {
        found.add(locator.service);
        queue.push(locator.service);
      }
    }
  }
  return found;
}
