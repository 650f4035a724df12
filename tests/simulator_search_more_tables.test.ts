/**
 * Collections the engine searches with fields of their own, which the simulator once searched
 * by their model's members with free text over a name and description: instance types take
 * the fields of templates (the engine searches them in the templates' view), Gluster volumes
 * their `name`, `type`, `status`, `replica_count` and `stripe_count` (`transport_type` is a
 * column the engine's view lacks), and jobs only `correlation_id`, which is not text: free
 * text there, an unknown `field=value` included, makes the engine's query fail (400).
 */

import assert from "node:assert/strict";
import { OvirtError } from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";

const MIB = 1024 ** 2;

Deno.test("simulator: instance types are searched with the fields of templates", async () => {
  await using session = await simulatorSession({ delay: 0, empty: true });
  const instanceTypes = session.connection.systemService().instanceTypesService();
  // Only the instance types added here: the built-in ones (Tiny ... XLarge) are removed.
  for (const builtIn of await instanceTypes.list()) {
    await instanceTypes.instanceTypeService(builtIn.id!).remove();
  }
  await instanceTypes.add({ name: "small", description: "one cpu", memory: 1024 * MIB });
  await instanceTypes.add({ name: "large", memory: 8192 * MIB });
  const found = async (search: string) =>
    (await instanceTypes.list({ search })).map((type) => type.name).sort();
  assert.deepEqual(await found("mem>2048"), ["large"], "mem, in MiB, as templates'");
  assert.deepEqual(await found('description=""'), ["large"]);
  assert.deepEqual(await found("cpu"), ["small"], "free text in the description");
  assert.deepEqual(await found("memory=1073741824"), [], "memory is not a field: free text");
});

Deno.test("simulator: Gluster volumes are searched with the engine's volume fields", async () => {
  await using session = await simulatorSession({ delay: 0, empty: true });
  const clusters = session.connection.systemService().clustersService();
  const [cluster] = await clusters.list({ search: "name=Default" });
  const volumes = clusters.clusterService(cluster.id!).glusterVolumesService();
  // The engine requires a volume's bricks; the simulator does not look their server up.
  const bricks = (count: number) =>
    Array.from({ length: count }, (_, n) => ({ serverId: "gluster1", brickDir: `/bricks/${n}` }));
  await volumes.add({ name: "data", volumeType: "replicate", replicaCount: 3, bricks: bricks(3) });
  await volumes.add({ name: "scratch", volumeType: "distribute", bricks: bricks(1) });
  const found = async (search: string) =>
    (await volumes.list({ search })).map((volume) => volume.name).sort();
  assert.deepEqual(await found("type=replicate"), ["data"], "the engine's enum names");
  assert.deepEqual(await found("type=Distribute"), ["scratch"]);
  assert.deepEqual(await found("type=distributed"), [], "not a type: nothing");
  assert.deepEqual(await found("replica_count>2"), ["data"]);
  assert.deepEqual(await found("volume_type=replicate"), [], "not a field: free text");
  await assert.rejects(
    volumes.list({ search: "transport_type=tcp" }),
    (error) => error instanceof OvirtError && error.code === 400,
  );
});

Deno.test("simulator: jobs are searched by correlation_id only; free text fails", async () => {
  await using session = await simulatorSession({ delay: 60_000, empty: true });
  const system = session.connection.systemService();
  await system.tagsService().add({ name: "t1" }, { headers: { "Correlation-Id": "run-1" } });
  const jobs = system.jobsService();
  const [job] = await jobs.list({ search: "correlation_id=run-1" });
  assert.equal(job.description, "Add Tag t1");
  for (const search of ["description=Add*", "Add", "status=started"]) {
    await assert.rejects(
      jobs.list({ search }),
      (error) =>
        error instanceof OvirtError && error.code === 400 && /free text/.test(error.message),
      search,
    );
  }
  assert.deepEqual(await jobs.list({ search: "status = started" }), [], "a syntax error");
});
