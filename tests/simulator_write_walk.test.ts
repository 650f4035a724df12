/**
 * Calls every `add`, `update` and action of every reachable service of the model with a
 * minimal body, then `remove` on every reachable object, through the SDK. Refusals
 * (400, 404, 409) are fine; a 500 or an answer the SDK cannot read is not.
 */

import assert from "node:assert/strict";
import { Connection, OvirtError, type Service } from "../mod.ts";
import { ROOT_SERVICE, SERVICES } from "../services/metadata.ts";
import { startSimulator } from "../testing/mod.ts";
import { MODEL_SCHEMA } from "../transport/xml/schema.ts";

type Callable = Service & Record<string, (...args: unknown[]) => Promise<unknown>>;

interface Visit {
  readonly path: string;
  readonly service: string;
}

/** Each service class once, first objects only: the places where to call methods. */
async function walk(connection: Connection): Promise<Visit[]> {
  const visits: Visit[] = [];
  const queue: Visit[] = [{ path: "", service: ROOT_SERVICE }];
  const seen = new Set<string>([ROOT_SERVICE]);
  while (queue.length) {
    const visit = queue.shift()!;
    visits.push(visit);
    const meta = SERVICES[visit.service];
    let ids: string[] = [];
    if (meta.methods.some((method) => method.name === "list")) {
      const service = connection.service(visit.path) as Callable;
      ids = ((await service.list().catch(() => [])) as { id?: string }[]).flatMap((item) =>
        item.id ? [item.id] : []
      );
    }
    for (const locator of meta.locators) {
      const segment = locator.segment ?? ids[0];
      if (segment === undefined || seen.has(locator.service)) continue;
      seen.add(locator.service);
      const path = visit.path ? `${visit.path}/${encodeURIComponent(segment)}` : segment;
      queue.push({ path, service: locator.service });
    }
  }
  return visits;
}

function check(failures: string[], what: string, error: unknown): void {
  if (!(error instanceof OvirtError) || error.code === undefined || error.code >= 500) {
    failures.push(`${what}: ${error}`);
  }
}

async function connect() {
  const sim = await startSimulator({ delay: 0 });
  const connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
  });
  return {
    connection,
    async [Symbol.asyncDispose]() {
      await connection.close();
      await sim.close();
    },
  };
}

/** `{ [member]: value }` when struct `type` has that member, else an empty object. */
function withMember(type: string | undefined, member: string, value: unknown): object {
  const has = type !== undefined &&
    MODEL_SCHEMA.struct(type).members.some((candidate) => candidate.name === member);
  return has ? { [member]: value } : {};
}

Deno.test("simulator: every add, update and action answers without a 500", async () => {
  await using env = await connect();
  const failures: string[] = [];
  let calls = 0;
  for (const visit of await walk(env.connection)) {
    const service = env.connection.service(visit.path) as Callable;
    for (const method of SERVICES[visit.service].methods) {
      if (method.signatureOf || ["get", "list", "remove"].includes(method.kind)) continue;
      calls++;
      const what = `${visit.service}.${method.name} /${visit.path}`;
      try {
        const type = method.main?.type;
        if (method.kind === "add") {
          const probe = withMember(type, "name", `probe-${calls}`);
          await service[method.name](method.main?.list ? [probe] : probe);
        } else if (method.kind === "update") {
          await service[method.name](withMember(type, "description", "probed"));
        } else {
          await service[method.name]({});
        }
      } catch (error) {
        check(failures, what, error);
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(calls > 200, `${calls} calls`);
});

Deno.test("simulator: removing every reachable object answers without a 500", async () => {
  await using env = await connect();
  const failures: string[] = [];
  const visits = await walk(env.connection);
  for (const visit of visits.reverse()) {
    if (!SERVICES[visit.service].methods.some((method) => method.kind === "remove")) continue;
    try {
      await (env.connection.service(visit.path) as Callable).remove();
    } catch (error) {
      check(failures, `remove /${visit.path}`, error);
    }
  }
  assert.deepEqual(failures, []);
});
