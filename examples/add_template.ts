/**
 * Creates a template from a virtual machine that is down, and waits until the template's
 * disks are copied (the template is `ok`).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_template.ts
 * [--vm vm003] [--name mytemplate]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types, waitForStatus } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_template.ts [--vm vm003] [--name mytemplate]";

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
        vm: { type: "string", default: "vm003" },
        name: { type: "string", default: "mytemplate" },
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

const [vm] = await systemService.vmsService().list({ search: `name=${values.vm}` });
if (!vm) throw new Error(`No VM named ${values.vm}`);

const templatesService = systemService.templatesService();
const template = await templatesService.add({
  name: String(values.name),
  description: `Template made from ${vm.name}`,
  vm: { id: vm.id },
});
console.log(`Adding template ${template.name} (${template.id}) from VM ${vm.name}`);

await waitForStatus(templatesService.templateService(template.id!), types.TemplateStatus.OK);
console.log(`Template ${template.name} is ready`);
