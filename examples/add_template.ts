/**
 * Creates a template from a virtual machine that is down, and waits until the template's
 * disks are copied (the template is `ok`).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_template.ts
 * [--vm vm003] [--name mytemplate]`
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
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_template.ts [--vm vm003] [--name mytemplate]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm003" },
  name: { type: "string", default: "mytemplate" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();

const vm = found(
  await findByName(systemService.vmsService(), values.vm),
  `No VM named ${values.vm}`,
);

const templatesService = systemService.templatesService();
const template = await templatesService.add({
  name: String(values.name),
  description: `Template made from ${vm.name}`,
  vm: { id: vm.id },
});
console.log(`Adding template ${template.name} (${template.id}) from VM ${vm.name}`);

await waitForStatus(templatesService.templateService(template.id!), types.TemplateStatus.OK);
console.log(`Template ${template.name} is ready`);
