import assert from "node:assert/strict";

Deno.test("deno task demo: the guided tour runs to the end against the simulator", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "examples/demo.ts",
    ],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  for (const step of ["1. Inventory", "VMs", "demo-vm", "VM: up", "snapshot: ok", "Done in"]) {
    assert.ok(stdout.includes(step), `the demo prints ${JSON.stringify(step)}`);
  }
  assert.match(stdout, /VMs named demo-vm left: 0/);
});
