/**
 * Creates a data center with shared storage and a given compatibility version. It stays
 * `uninitialized` until a data storage domain is attached to it.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_data_center.ts
 * [--name mydc] [--version 4.7] [--local]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    name: { type: "string", default: "mydc" },
    version: { type: "string", default: "4.7" },
    local: { type: "boolean", default: false },
  },
  strict: false,
});

const [major, minor] = String(values.version).split(".").map(Number);

await using connection = new Connection(connectionOptionsFromEnv());

const dataCenter = await connection.systemService().dataCentersService().add({
  name: String(values.name),
  description: "Added by the add_data_center example",
  local: values.local === true,
  version: { major, minor },
});
console.log(`Added data center ${dataCenter.name} (${dataCenter.id}), status ${dataCenter.status}`);
console.log(`  compatibility version ${major}.${minor}, local storage: ${dataCenter.local}`);
