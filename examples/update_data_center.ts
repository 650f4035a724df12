/**
 * Changes the description of a data center. Only the members given are sent, so the
 * rest of the data center stays as it is.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/update_data_center.ts
 * [--name Default] [--description "Main site"]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  'Usage: deno run --allow-net --allow-env --allow-read examples/update_data_center.ts [--name Default] [--description "Main site"]';

const { values } = scriptArgs(USAGE, {
  name: { type: "string", default: "Default" },
  description: { type: "string", default: "Main site" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const dataCentersService = connection.systemService().dataCentersService();

const dataCenter = found(
  await findByName(dataCentersService, values.name),
  `No data center named ${values.name}`,
);

const updated = await dataCentersService.dataCenterService(dataCenter.id!).update({
  description: String(values.description),
});
console.log(`${updated.name}: ${dataCenter.description} -> ${updated.description}`);
