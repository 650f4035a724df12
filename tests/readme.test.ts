import assert from "node:assert/strict";
import { Connection, types } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";

/** The first TypeScript block of a README section. */
async function codeOf(section: string): Promise<string> {
  const readme = await Deno.readTextFile("README.md");
  const start = readme.indexOf(`## ${section}`);
  assert.ok(start >= 0, `README has a "${section}" section`);
  const code = readme.slice(start).match(/```ts\n([\s\S]*?)```/);
  assert.ok(code, `"${section}" has a TypeScript block`);
  return code[1];
}

Deno.test("README: the quick start runs as written against the simulator", async () => {
  await using simulator = await startSimulator({ tls: true, delay: 0 });
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-readme-" });
  try {
    await Deno.writeTextFile(`${dir}/ca.pem`, simulator.caCert!);
    // Only what points at a real engine changes: the module, the URL and the cluster name.
    const script = (await codeOf("Quick start"))
      .replace('"jsr:@ovirt/sdk"', JSON.stringify(new URL("../mod.ts", import.meta.url).href))
      .replace('"https://engine.example.com/ovirt-engine/api"', JSON.stringify(simulator.url))
      .replace('name: "mycluster"', 'name: "Default"');
    await Deno.writeTextFile(`${dir}/quick_start.ts`, script);
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-check", "--allow-net", "--allow-read", "--allow-env", "quick_start.ts"],
      cwd: dir,
      env: { OVIRT_PASSWORD: simulator.password, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    assert.equal(simulator.username, "admin@internal", "the user the quick start logs in as");
    await using connection = new Connection({
      url: simulator.url,
      username: simulator.username,
      password: simulator.password,
      caCerts: [simulator.caCert!],
    });
    const [vm] = await connection.systemService().vmsService().list({ search: "name=myvm" });
    assert.equal(vm?.status, types.VmStatus.UP, "the quick start's VM is up");
    assert.equal(vm?.memory, 1073741824);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("README: the simulator test example passes as written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-readme-" });
  try {
    const code = (await codeOf("Testing your scripts with the simulator"))
      .replace('"jsr:@ovirt/sdk"', JSON.stringify(new URL("../mod.ts", import.meta.url).href))
      .replace(
        '"jsr:@ovirt/sdk/testing"',
        JSON.stringify(new URL("../testing/mod.ts", import.meta.url).href),
      );
    await Deno.writeTextFile(`${dir}/automation_test.ts`, code);
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["test", "--no-check", "--allow-net", "automation_test.ts"],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(output.stdout);
    assert.equal(output.code, 0, stdout + new TextDecoder().decode(output.stderr));
    assert.match(stdout, /my automation \.\.\. ok/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("README: the unattended automation example runs as written", async () => {
  await using simulator = await startSimulator({ tls: true, delay: 0 });
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-readme-" });
  try {
    await Deno.writeTextFile(`${dir}/ca.pem`, simulator.caCert!);
    const script = (await codeOf("Unattended automation: retries, locks, correlation"))
      .replace('"jsr:@ovirt/sdk"', JSON.stringify(new URL("../mod.ts", import.meta.url).href))
      .replace('"https://engine.example.com/ovirt-engine/api"', JSON.stringify(simulator.url));
    await Deno.writeTextFile(`${dir}/nightly.ts`, script);
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-check", "--allow-net", "--allow-read", "--allow-env", "nightly.ts"],
      cwd: dir,
      env: { OVIRT_PASSWORD: simulator.password, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    await using connection = new Connection({
      url: simulator.url,
      username: simulator.username,
      password: simulator.password,
      caCerts: [simulator.caCert!],
    });
    const jobs = await connection.systemService().jobsService().list({
      search: "correlation_id=nightly-web01",
    });
    assert.ok(jobs.length > 0, "the add's job carries the example's correlation id");
    const [vm] = await connection.systemService().vmsService().list({ search: "name=web01" });
    assert.ok(vm, "the example's VM exists");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
