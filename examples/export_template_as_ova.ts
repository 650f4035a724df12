/**
 * Exports a template as an OVA file (a virtual appliance: its configuration and disks in
 * one archive) into a directory of a host, and waits until the export is done.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/export_template_as_ova.ts
 * [--template centos9] [--host host1] [--directory /var/tmp] [--filename <template>.ova]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, types, waitForStatus } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/export_template_as_ova.ts [--template centos9] [--host host1] [--directory /var/tmp] [--filename <template>.ova]";

const { values } = scriptArgs(USAGE, {
  template: { type: "string", default: "centos9" },
  host: { type: "string", default: "host1" },
  directory: { type: "string", default: "/var/tmp" },
  filename: { type: "string" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const templatesService = systemService.templatesService();

const [template] = await templatesService.list({ search: `name=${values.template}` });
if (!template) throw new Error(`No template named ${values.template}`);
const [host] = await systemService.hostsService().list({ search: `name=${values.host}` });
if (!host) throw new Error(`No host named ${values.host}`);

const filename = String(values.filename ?? `${template.name}.ova`);
const templateService = templatesService.templateService(template.id!);
await templateService.exportToPathOnHost({
  host: { id: host.id },
  directory: String(values.directory),
  filename,
});
console.log(
  `Exporting template ${template.name} to ${values.directory}/${filename} on host ${host.name}`,
);

// The template is locked while the OVA is written.
await waitForStatus(templateService, types.TemplateStatus.OK);
console.log(`Template ${template.name} is exported`);
