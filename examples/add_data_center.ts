/**
 * Creates a data center with shared storage and a given compatibility version. It stays
 * `uninitialized` until a data storage domain is attached to it.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_data_center.ts
 * [--name mydc] [--version 4.7] [--local]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_data_center.ts [--name mydc] [--version 4.7] [--local]";

const { values, usage } = scriptArgs(USAGE, {
  name: { type: "string", default: "mydc" },
  version: { type: "string", default: "4.7" },
  local: { type: "boolean", default: false },
});

if (!/^[0-9]+\.[0-9]+$/.test(values.version)) {
  usage(`--version takes MAJOR.MINOR (such as 4.7), not ${JSON.stringify(values.version)}`);
}
const [major, minor] = values.version.split(".").map(Number);

await using connection = new Connection(connectionOptionsFromEnv());

const dataCenter = await connection.systemService().dataCentersService().add({
  name: String(values.name),
  description: "Added by the add_data_center example",
  local: values.local === true,
  version: { major, minor },
});
console.log(`Added data center ${dataCenter.name} (${dataCenter.id}), status ${dataCenter.status}`);
console.log(`  compatibility version ${major}.${minor}, local storage: ${dataCenter.local}`);
