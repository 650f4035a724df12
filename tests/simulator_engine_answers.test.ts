/**
 * Answers of the simulator shaped as the engine's where its model says otherwise: the bricks
 * of a Gluster volume removed by a DELETE with an `<action>` body, and a VM's screenshot
 * answered with the image itself.
 */

import assert from "node:assert/strict";
import { OvirtError } from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";

Deno.test("simulator: bricks named in the <action> body of a DELETE are removed", async () => {
  await using env = await simulatorSession({ delay: 0 });
  const system = env.connection.systemService();
  const [cluster] = await system.clustersService().list({ search: "name=Default" });
  const volumes = system.clustersService().clusterService(cluster.id!).glusterVolumesService();
  const [volume] = await volumes.list();
  const bricks = volumes.volumeService(volume.id!).glusterBricksService();
  const [brick] = await bricks.list();
  await assert.rejects(bricks.remove({ bricks: [{ name: "no-such-brick" }] }), /Entity not found/);
  assert.equal((await bricks.list()).length, 1, "nothing removed when one is not there");
  await bricks.remove({ bricks: [{ name: brick.name }], replicaCount: 1 });
  assert.deepEqual(await bricks.list(), []);
});

Deno.test("simulator: a VM's screenshot is the image, as the engine answers", async () => {
  await using env = await simulatorSession({ delay: 0 });
  const system = env.connection.systemService();
  const [vm] = await system.vmsService().list({ max: 1 });
  await assert.rejects(
    system.vmsService().vmService(vm.id!).screenshot(),
    (error: Error) => error instanceof OvirtError && /image\/png/.test(error.message),
  );
});
