/**
 * Creates a virtual machine from one version of a template. All versions of a template
 * share its name, so the version is chosen by its number.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_vm_from_template_version.ts
 * [--name myvm] [--cluster Default] [--template centos9] [--version 1]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  scriptArgs,
  searchQuery,
  types,
  waitForStatus,
  where,
} from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_vm_from_template_version.ts [--name myvm] [--cluster Default] [--template centos9] [--version 1]";

const { values, integer } = scriptArgs(USAGE, {
  name: { type: "string", default: "myvm" },
  cluster: { type: "string", default: "Default" },
  template: { type: "string", default: "centos9" },
  version: { type: "string", default: "1" },
});
const version = integer("version", values.version);

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();

// The versions of a template share its name.
const versions = await systemService.templatesService().list({
  search: searchQuery(where.eq("name", values.template)).text,
});
const template = found(
  versions.find((candidate) =>
    candidate.name === values.template && candidate.version?.versionNumber === version
  ),
  `Template ${values.template} has no version ${values.version}`,
);

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
