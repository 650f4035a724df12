/**
 * Imports a template from an OVA file that a host can read (e.g. one written by
 * export_template_as_ova.ts), and waits until the template is ready. The file must be
 * readable by the `vdsm` user on the host.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/import_template_from_ova.ts
 * [--name mytemplate] [--ova /var/tmp/mytemplate.ova] [--host host1] [--cluster Default]
 * [--storage-domain data]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types, waitFor } from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    name: { type: "string", default: "mytemplate" },
    ova: { type: "string", default: "/var/tmp/mytemplate.ova" },
    host: { type: "string", default: "host1" },
    cluster: { type: "string", default: "Default" },
    "storage-domain": { type: "string", default: "data" },
  },
  strict: false,
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();

const name = String(values.name);
await systemService.externalTemplateImportsService().add({
  template: { name },
  url: `ova://${values.ova}`,
  host: { name: String(values.host) },
  cluster: { name: String(values.cluster) },
  storageDomain: { name: String(values["storage-domain"]) },
  clone: true, // new ids, so the same OVA can be imported more than once
});
console.log(`Importing template ${name} from ${values.ova} on host ${values.host}`);

const [template] = await waitFor(
  () => systemService.templatesService().list({ search: `name=${name}` }),
  ([template]) => template?.status === types.TemplateStatus.OK,
  { description: `template ${name} imported`, timeout: 3600_000 },
);
console.log(`Template ${template.name} (${template.id}) is imported`);
