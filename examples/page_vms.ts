/**
 * Walks through all virtual machines one page at a time (`page N` in the search, `max` as
 * the page size), sorted by name, as a script handling thousands of VMs would.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/page_vms.ts
 * [--page-size 10]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, pages, scriptArgs } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/page_vms.ts [--page-size 10]";

const { values, integer } = scriptArgs(USAGE, {
  "page-size": { type: "string", default: "10" },
});
const pageSize = integer("page-size", values["page-size"]);

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

let pageNumber = 0;
for await (const page of pages(vmsService, { search: "sortby name asc", pageSize })) {
  pageNumber++;
  console.log(`Page ${pageNumber}: ${page.map((vm) => vm.name).join(", ")}`);
}
