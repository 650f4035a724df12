import assert from "node:assert/strict";
import { exampleTest } from "./example_harness.ts";

exampleTest("list_vms", {
  check: async ({ connection, stdout }) => {
    const vms = await connection.systemService().vmsService().list();
    assert.ok(vms.length > 0);
    for (const vm of vms) assert.ok(stdout.includes(`${vm.name}: ${vm.status}`), vm.name);
  },
});

exampleTest("add_vm", {
  args: ["--name", "example-vm"],
  check: async ({ connection }) => {
    const [vm] = await connection.systemService().vmsService().list({ search: "name=example-vm" });
    assert.equal(vm?.status, "down");
    assert.equal(vm?.memory, 2 * 1024 ** 3);
  },
});
