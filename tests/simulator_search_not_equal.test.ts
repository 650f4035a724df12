/**
 * `!=` and empty values as the engine's search backend writes them. Before a negative
 * comparison it writes `IS NULL OR`, so an object without the value matches every `!=`; the
 * text columns it keeps not null (a VM's description and comment, an event's host name...)
 * hold `""` when not set, so `=""` and `=*` find such an object and `!=""` does not, while a
 * value the engine keeps null (the host a VM runs on) matches no `=`. Its `!=` is a
 * `NOT ILIKE` whose `_` is not escaped: any one character, where `=` takes it literally.
 */

import assert from "node:assert/strict";
import { simulatorSession } from "./sim_session.ts";

/** A simulator with VMs `bare` (no description), `underscore` (`x_y`) and `letter` (`xzy`). */
async function threeVms() {
  const session = await simulatorSession({ delay: 0, empty: true });
  const vms = session.connection.systemService().vmsService();
  const add = (name: string, description?: string) =>
    vms.add({ name, description, cluster: { name: "Default" }, template: { name: "Blank" } });
  await add("bare");
  await add("underscore", "x_y");
  await add("letter", "xzy");
  const found = async (search: string) => (await vms.list({ search })).map((vm) => vm.name).sort();
  return { session, found };
}

Deno.test("simulator: != takes _ as any one character, = takes it literally", async () => {
  const { session, found } = await threeVms();
  await using _ = session;
  assert.deepEqual(await found("description=x_y"), ["underscore"], "= escapes _");
  assert.deepEqual(await found("description!=x_y"), ["bare"], "!= does not escape _");
  assert.deepEqual(await found("description!=abc"), ["bare", "letter", "underscore"]);
  assert.deepEqual(await found("on_host!=host1"), ["bare", "letter", "underscore"]);
});

Deno.test("simulator: an unset text column the engine keeps not null is ''", async () => {
  const { session, found } = await threeVms();
  await using _ = session;
  assert.deepEqual(await found('description=""'), ["bare"], "no description is ''");
  assert.deepEqual(await found('description!=""'), ["letter", "underscore"]);
  assert.deepEqual(await found("description=*"), ["bare", "letter", "underscore"]);
  assert.deepEqual(await found('comment="" and description=x*'), ["letter", "underscore"]);
  assert.deepEqual(await found('on_host=""'), [], "not running: no host name, null");
  assert.deepEqual(await found("on_host=*"), []);
  assert.deepEqual(await found('on_host!=""'), ["bare", "letter", "underscore"]);

  const events = session.connection.systemService().eventsService();
  await events.add({ description: "hostless", severity: "normal", origin: "qa", customId: 9 });
  const messages = async (search: string) =>
    (await events.list({ search })).map((event) => event.description);
  assert.ok((await messages('event_host=""')).includes("hostless"), "no host name is ''");
  assert.ok(!(await messages('event_host!=""')).includes("hostless"));
});
