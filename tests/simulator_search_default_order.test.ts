/**
 * A search's results come in the order the engine's `SearchObjectAutoCompleter` gives each
 * collection when the query does not sort (oVirt/ovirt-engine, backend/manager/modules/
 * searchbackend): instance types by `name ASC`, Gluster volumes by `vol_name ASC`, jobs by
 * `start_time ASC`, whatever order they were added in.
 */

import assert from "node:assert/strict";
import { simulatorSession } from "./sim_session.ts";

const MIB = 1024 ** 2;

Deno.test("simulator: searched instance types and Gluster volumes come by name", async () => {
  await using session = await simulatorSession({ delay: 0, empty: true });
  const system = session.connection.systemService();
  const instanceTypes = system.instanceTypesService();
  // Only the instance types added here: the built-in ones (Tiny ... XLarge) are removed.
  for (const builtIn of await instanceTypes.list()) {
    await instanceTypes.instanceTypeService(builtIn.id!).remove();
  }
  for (const name of ["zeta", "alpha", "mid"]) {
    await instanceTypes.add({ name, memory: 1024 * MIB });
  }
  const types = await instanceTypes.list({ search: "name=*" });
  assert.deepEqual(types.map((type) => type.name), ["alpha", "mid", "zeta"]);
  const [cluster] = await system.clustersService().list({ search: "name=Default" });
  const volumes = system.clustersService().clusterService(cluster.id!).glusterVolumesService();
  // The engine requires a volume's bricks; the simulator does not look their server up.
  for (const name of ["scratch", "data"]) {
    const bricks = [{ serverId: "gluster1", brickDir: `/bricks/${name}` }];
    await volumes.add({ name, volumeType: "distribute", bricks });
  }
  const found = await volumes.list({ search: "type=distribute" });
  assert.deepEqual(found.map((volume) => volume.name), ["data", "scratch"]);
});

Deno.test("simulator: searched jobs come by start time, not in the order they were added", async () => {
  await using session = await simulatorSession({ delay: 60_000, empty: true });
  const tags = session.connection.systemService().tagsService();
  const now = Date.now();
  // The engine's clock stepped back between the two: the later job started earlier.
  await clockAt(now, () => tags.add({ name: "late" }));
  await clockAt(now - 3_600_000, () => tags.add({ name: "early" }));
  const jobs = await session.connection.systemService().jobsService().list({
    search: "correlation_id!=none",
  });
  assert.deepEqual(jobs.map((job) => job.description), ["Add Tag early", "Add Tag late"]);
});

/** Runs `body` while `new Date()` answers `time` (a date made from one value is left alone). */
async function clockAt<T>(time: number, body: () => Promise<T>): Promise<T> {
  const RealDate = Date;
  class SteppedDate extends RealDate {
    constructor(value?: number | string | Date) {
      super(value ?? time);
    }
  }
  globalThis.Date = SteppedDate as DateConstructor;
  try {
    return await body();
  } finally {
    globalThis.Date = RealDate;
  }
}
