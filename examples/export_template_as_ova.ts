/**
 * Exports a template as an OVA file (a virtual appliance: its configuration and disks in
 * one archive) into a directory of a host, and waits until the export is done: the
 * engine does not lock the template's status meanwhile, so the script sends the export
 * with a correlation id and waits for the engine's job of that id to end. A failed export
 * ends the script with an error naming the failing step (the engine also logs event 1228;
 * 1227 on success).
 * The versions of a template share its name: `--version` picks one (1, the base template).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/export_template_as_ova.ts
 * [--template centos9] [--version 1] [--host host1] [--directory /var/tmp] [--filename <template>.ova]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  waitForJobs,
} from "../mod.ts";
import { findTemplateVersion } from "./lib/template_version.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/export_template_as_ova.ts [--template centos9] [--version 1] [--host host1] [--directory /var/tmp] [--filename <template>.ova]";

const { values, integer } = scriptArgs(USAGE, {
  template: { type: "string", default: "centos9" },
  version: { type: "string", default: "1" },
  host: { type: "string", default: "host1" },
  directory: { type: "string", default: "/var/tmp" },
  filename: { type: "string" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const templatesService = systemService.templatesService();

const version = integer("version", values.version, 1);
const template = found(
  await findTemplateVersion(templatesService, values.template, version),
  `No template named ${values.template} has version ${version}`,
);
const host = found(
  await findByName(systemService.hostsService(), values.host),
  `No host named ${values.host}`,
);

const filename = String(values.filename ?? `${template.name}.ova`);
const correlationId = crypto.randomUUID();
await templatesService.templateService(template.id!).exportToPathOnHost({
  host: { id: host.id },
  directory: String(values.directory),
  filename,
  correlationId,
});
console.log(
  `Exporting template ${template.name} to ${values.directory}/${filename} on host ${host.name}`,
);

// The export's job ends when the OVA is written.
const jobs = await waitForJobs(connection, correlationId, { interval: 5000, timeout: 3_600_000 });
if (jobs.length === 0) {
  throw new Error(
    `The engine shows no job of the export (correlation id ${correlationId}): look for ` +
      `event 1227 (exported) or 1228 (failed) of template ${template.name}`,
  );
}
console.log(`Template ${template.name} is exported`);
