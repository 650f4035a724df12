/**
 * Creates a virtual machine from one version of a template. All versions of a template
 * share its name, so the version is chosen by its number.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_vm_from_template_version.ts
 * [--name myvm] [--cluster Default] [--template centos9] [--version 1]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types, waitForStatus } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_vm_from_template_version.ts [--name myvm] [--cluster Default] [--template centos9] [--version 1]";

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

/** The value of a flag that takes a whole number of at least `min`, else a usage error. */
function integer(flag: string, text: string, min = 1): number {
  const value = /^-?[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(value) && value >= min)) {
    usage(`--${flag} takes a whole number of at least ${min}, not ${JSON.stringify(text)}`);
  }
  return value;
}

const { values } = (() => {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        name: { type: "string", default: "myvm" },
        cluster: { type: "string", default: "Default" },
        template: { type: "string", default: "centos9" },
        version: { type: "string", default: "1" },
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
const version = integer("version", values.version);

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();

const versions = await systemService.templatesService().list({
  search: `name=${values.template}`,
});
const template = versions.find((candidate) => candidate.version?.versionNumber === version);
if (!template) throw new Error(`Template ${values.template} has no version ${values.version}`);

const vmsService = systemService.vmsService();
const vm = await vmsService.add({
  name: String(values.name),
  cluster: { name: String(values.cluster) },
  template: { id: template.id },
});
console.log(
  `Added VM ${vm.name} (${vm.id}) from template ${template.name} version ${values.version}`,
);

await waitForStatus(vmsService.vmService(vm.id!), types.VmStatus.DOWN);
console.log(`VM ${vm.name} is down and ready to start`);
