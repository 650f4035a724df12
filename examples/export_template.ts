/**
 * Exports a template to an export storage domain (to use it in another data center),
 * overwriting an earlier export of it, and waits until the export is done.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/export_template.ts
 * [--template centos9] [--export-domain export]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types, waitForStatus } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/export_template.ts [--template centos9] [--export-domain export]";

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
        "export-domain": { type: "string", default: "export" },
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
const [domain] = await systemService.storageDomainsService().list({
  search: `name=${values["export-domain"]}`,
});
if (!domain) throw new Error(`No storage domain named ${values["export-domain"]}`);

const templateService = templatesService.templateService(template.id!);
await templateService.exportToExportDomain({ storageDomain: { id: domain.id }, exclusive: true });
console.log(`Exporting template ${template.name} to ${domain.name}`);

// The template is locked while its disks are copied.
await waitForStatus(templateService, types.TemplateStatus.OK);
const exported = await systemService.storageDomainsService().storageDomainService(domain.id!)
  .templatesService().templateService(template.id!).get();
console.log(`Template ${exported.name} is on export domain ${domain.name}`);
