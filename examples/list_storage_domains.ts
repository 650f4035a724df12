/**
 * Lists the storage domains with their type, storage and free and used space.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_storage_domains.ts`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/list_storage_domains.ts";

scriptArgs(USAGE, {});

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
