/**
 * Exports a template as an OVA file (a virtual appliance: its configuration and disks in
 * one archive) into a directory of a host, and waits until the export is done.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/export_template_as_ova.ts
 * [--template centos9] [--host host1] [--directory /var/tmp] [--filename <template>.ova]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types, waitForStatus } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/export_template_as_ova.ts [--template centos9] [--host host1] [--directory /var/tmp] [--filename <template>.ova]";

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        template: { type: "string", default: "centos9" },
        host: { type: "string", default: "host1" },
        directory: { type: "string", default: "/var/tmp" },
        filename: { type: "string" },
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
