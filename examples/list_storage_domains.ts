/**
 * Lists the storage domains with their type, storage and free and used space.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_storage_domains.ts`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/list_storage_domains.ts";

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

try {
  parseArgs({
    args: Deno.args,
    options: {
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

await using connection = new Connection(connectionOptionsFromEnv());

const gib = (bytes: number | bigint | undefined) =>
  bytes === undefined ? "?" : `${Number(bytes) / 1024 ** 3}`;
const domains = await connection.systemService().storageDomainsService().list();
for (const domain of domains) {
  console.log(
    `${domain.name}: ${domain.type}, ${domain.storage?.type ?? "?"}, ` +
      `${gib(domain.available)} GiB free, ${gib(domain.used)} GiB used`,
  );
}
