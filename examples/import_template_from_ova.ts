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

import {
  Connection,
  connectionOptionsFromEnv,
  scriptArgs,
  searchQuery,
  types,
  waitFor,
  where,
} from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/import_template_from_ova.ts [--name mytemplate] [--ova /var/tmp/mytemplate.ova] [--host host1] [--cluster Default] [--storage-domain data]";

const { values } = scriptArgs(USAGE, {
  name: { type: "string", default: "mytemplate" },
  ova: { type: "string", default: "/var/tmp/mytemplate.ova" },
  host: { type: "string", default: "host1" },
  cluster: { type: "string", default: "Default" },
  "storage-domain": { type: "string", default: "data" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();

const name = String(values.name);
// Names need not be unique: note the templates that already have this name, so as to
// wait for the new one (when the engine does not say which template the import made).
const templatesService = systemService.templatesService();
const search = searchQuery(where.eq("name", name)).text;
const named = async () =>
  (await templatesService.list({ search })).filter((template) => template.name === name);
const before = new Set((await named()).map((template) => template.id));

const started = await systemService.externalTemplateImportsService().add({
  template: { name },
  url: `ova://${values.ova}`,
  host: { name: String(values.host) },
  cluster: { name: String(values.cluster) },
  storageDomain: { name: String(values["storage-domain"]) },
  clone: true, // new ids, so the same OVA can be imported more than once
});
console.log(`Importing template ${name} from ${values.ova} on host ${values.host}`);

const isNew = (id?: string) => started.template?.id ? id === started.template.id : !before.has(id);
const template = await waitFor(
  async () => (await named()).find((found) => isNew(found.id)),
  (found) => found?.status === types.TemplateStatus.OK,
  { description: `new template ${name} imported`, timeout: 3600_000 },
);
console.log(`Template ${template!.name} (${template!.id}) is imported`);
