/**
 * Walks through all virtual machines one page at a time (`page N` in the search, `max` as
 * the page size), sorted by name, as a script handling thousands of VMs would.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/page_vms.ts
 * [--page-size 10]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, pages } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/page_vms.ts [--page-size 10]";

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

/** The value of a flag that takes a whole number of at least `min`, else a usage error. */
function integer(flag: string, text: string, min = 1): number {
  const value = /^-?[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(value) && value >= min)) {
    usage(`--${flag} takes a whole number of at least ${min}, not ${JSON.stringify(text)}`);
  }
  return value;
}

const { values } = (() => {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        "page-size": { type: "string", default: "10" },
        // The connection's flags, which connectionOptionsFromEnv() reads.
        url: { type: "string" },
        username: { type: "string" },
        password: { type: "string" },
        "ca-file": { type: "string" },
        insecure: { type: "boolean" },
      },
      strict: true,
    });
  } catch (error) {
    usage((error as Error).message);
  }
})();
const pageSize = integer("page-size", values["page-size"]);

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

let pageNumber = 0;
for await (const page of pages(vmsService, { search: "sortby name asc", pageSize })) {
  pageNumber++;
  console.log(`Page ${pageNumber}: ${page.map((vm) => vm.name).join(", ")}`);
}
