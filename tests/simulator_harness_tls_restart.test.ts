/**
 * An HTTPS simulator can be started again as the same engine, with the CA, certificate and key
 * of the one before (`tls: previous.tls`), as an engine keeps its certificates across a
 * restart: a connection made before the restart goes on after it.
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { type SimulatorOptions, startSimulator } from "../testing/mod.ts";

Deno.test("simulator harness TLS restart: a connection goes on across a restart on the same port with the same TLS material", async () => {
  const first = await startSimulator({ tls: true, delay: 0, password: "pw" });
  const port = Number(new URL(first.url).port);
  assert.ok(first.tls, "an HTTPS simulator shows its TLS material");
  assert.equal(first.tls.caCert, first.caCert);
  assert.match(first.tls.cert, /^-----BEGIN CERTIFICATE-----\n/);
  assert.match(first.tls.key, /^-----BEGIN PRIVATE KEY-----\n/);
  await using connection = new Connection({
    url: first.url,
    username: first.username,
    password: "pw",
    caCerts: [first.caCert!],
  });
  const vms = connection.systemService().vmsService();
  assert.equal((await vms.list()).length, 20);
  await first.close();

  await using second = await startSimulator({ tls: first.tls, port, delay: 0, password: "pw" });
  assert.equal(second.url, first.url);
  assert.deepEqual(second.tls, first.tls);
  assert.equal(second.caCert, first.caCert);
  // The same connection logs in again (the new engine knows no token of the old) and goes on.
  assert.equal((await vms.list()).length, 20);
  const added = await vms.add({
    name: "after-restart",
    cluster: { name: "Default" },
    template: { name: "Blank" },
  });
  assert.equal((await vms.vmService(added.id!).get()).name, "after-restart");
  assert.equal(second.loginCount, 1);
});

Deno.test("simulator harness TLS restart: a plain simulator has no TLS material", async () => {
  await using sim = await startSimulator({ empty: true, delay: 0 });
  assert.equal(sim.tls, undefined);
  assert.equal(sim.caCert, undefined);
});

Deno.test("simulator harness TLS restart: TLS material that is not three PEM texts is refused, the key not shown", async () => {
  await using sim = await startSimulator({ empty: true, delay: 0, tls: true });
  const material = sim.tls!;
  const wrong: [unknown, string][] = [
    ["no", "The simulator's tls must be true, false or another simulator's tls, not \"no\""],
    [{ caCert: material.caCert }, "The simulator's tls.cert must be a PEM text, not undefined"],
    [
      { ...material, key: "secret-key-text" },
      "The simulator's tls.key must be a PEM text, not a string without a PEM header",
    ],
    [{ ...material, key: 5 }, "The simulator's tls.key must be a PEM text, not a number"],
    [
      { ...material, cacert: material.caCert },
      '"tls.cacert" is not a part of the simulator\'s tls (did you mean "tls.caCert"?)',
    ],
  ];
  for (const [tls, message] of wrong) {
    await assert.rejects(
      startSimulator({ empty: true, tls } as SimulatorOptions),
      (error: unknown) => {
        assert.ok(error instanceof RangeError, `${error}`);
        assert.equal(error.message, message);
        return true;
      },
    );
  }
});

Deno.test("simulator harness TLS restart: the README's restart example runs as written", async () => {
  const readme = await Deno.readTextFile("README.md");
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
  const example = blocks.find((block) => block.includes("tls: first.tls"));
  assert.ok(example, "the README shows a restart over TLS");
  const script = example
    .replace('"jsr:@ovirt/sdk"', JSON.stringify(new URL("../mod.ts", import.meta.url).href))
    .replace(
      '"jsr:@ovirt/sdk/testing"',
      JSON.stringify(new URL("../testing/mod.ts", import.meta.url).href),
    );
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-tls-restart-" });
  try {
    await Deno.writeTextFile(`${dir}/restart.ts`, script);
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", "restart.ts"],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
