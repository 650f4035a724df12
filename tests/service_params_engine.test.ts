/**
 * Every option a generated method offers is one the engine reads: `useActive` of a VM backup
 * is sent as `legacy` too, the parameters the engine never reads are left out (refused by
 * TypeScript and at run time), and the cluster upgrade's own correlation id is
 * `upgradeCorrelationId`, apart from the call's `Correlation-Id` header.
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";
import { simulatorSession } from "./sim_session.ts";

const ACTION = "<action><status>complete</status></action>";

/** A fake engine answering `answer` to every API request, and a connection to it. */
async function setUp(answer = ACTION) {
  const engine = await startFakeEngine({ api: () => xml(answer) });
  const connection = new Connection({ url: engine.url, username: USERNAME, password: PASSWORD });
  return {
    engine,
    system: connection.systemService(),
    /** The last API request: its URL, headers and body. */
    last() {
      const request = engine.requests.at(-1)!;
      return { url: new URL(request.url), headers: request.headers, body: engine.bodies.at(-1) };
    },
    async [Symbol.asyncDispose]() {
      await connection.close();
      await engine.close();
    },
  };
}

Deno.test("VM backup add: useActive is sent as legacy too, the parameter the engine reads", async () => {
  await using setup = await setUp("<backup id='b1'><phase>initializing</phase></backup>");
  const backups = setup.system.vmsService().vmService("v1").backupsService();
  await backups.add({ disks: [{ id: "d1" }] }, { useActive: true });
  let query = setup.last().url.searchParams;
  assert.equal(query.get("legacy"), "true", "the engine backs up the active volume");
  assert.equal(query.get("use_active"), "true", "the model's name is kept");
  await backups.add({ disks: [{ id: "d1" }] }, { useActive: false });
  query = setup.last().url.searchParams;
  assert.deepEqual([query.get("legacy"), query.get("use_active")], ["false", "false"]);
  await backups.add({ disks: [{ id: "d1" }] });
  assert.equal(setup.last().url.search, "", "nothing when the option is not set");
});

Deno.test("simulator: a backup with useActive (legacy=true) is made as any other", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const vms = session.connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm002" });
  const service = vms.vmService(vm.id!);
  const [attachment] = await service.diskAttachmentsService().list();
  const backup = await service.backupsService().add(
    { disks: [{ id: attachment.id! }] },
    { useActive: true },
  );
  assert.ok(backup.id);
  assert.equal(backup.snapshot, undefined, "a backup of the active volume takes no snapshot");
});
