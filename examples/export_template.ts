/**
 * Exports a template to an export storage domain (to use it in another data center),
 * overwriting an earlier export of it, and waits until the export is done.
 * The versions of a template share its name: `--version` picks one (1, the base template).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/export_template.ts
 * [--template centos9] [--version 1] [--export-domain export]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  types,
  waitForStatus,
} from "../mod.ts";
import { findTemplateVersion } from "./lib/template_version.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/export_template.ts [--template centos9] [--version 1] [--export-domain export]";

const { values, integer } = scriptArgs(USAGE, {
  template: { type: "string", default: "centos9" },
  version: { type: "string", default: "1" },
  "export-domain": { type: "string", default: "export" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const templatesService = systemService.templatesService();

const version = integer("version", values.version, 1);
const template = found(
  await findTemplateVersion(templatesService, values.template, version),
  `No template named ${values.template} has version ${version}`,
);
const domain = found(
  await findByName(systemService.storageDomainsService(), values["export-domain"]),
  `No storage domain named ${values["export-domain"]}`,
);

const templateService = templatesService.templateService(template.id!);
await templateService.exportToExportDomain({ storageDomain: { id: domain.id }, exclusive: true });
console.log(`Exporting template ${template.name} to ${domain.name}`);

// The template is locked while its disks are copied.
await waitForStatus(templateService, types.TemplateStatus.OK);
const exported = await systemService.storageDomainsService().storageDomainService(domain.id!)
  .templatesService().templateService(template.id!).get();
console.log(`Template ${exported.name} is on export domain ${domain.name}`);
