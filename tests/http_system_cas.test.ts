import assert from "node:assert/strict";
import { firstCaBundle } from "../transport/system_cas.ts";
import { startSimulator } from "../testing/mod.ts";
import { tlsMaterial } from "./http_tls_material.ts";

/** A certificate block that cannot be read, as a damaged system bundle may hold. */
const DAMAGED =
  "-----BEGIN CERTIFICATE-----\nMIIBroken0000garbageAAAA\n-----END CERTIFICATE-----\n";

Deno.test("system CAs: the first readable bundle of the candidates", async () => {
  const { caCert } = await tlsMaterial();
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/not-pem.crt`, "hello");
    await Deno.writeTextFile(`${dir}/damaged.crt`, DAMAGED);
    await Deno.writeTextFile(`${dir}/bundle.crt`, `${DAMAGED}\r\n  ${caCert}`);
    const bundle = await firstCaBundle([
      `${dir}/missing.crt`,
      `${dir}/not-pem.crt`,
      `${dir}/damaged.crt`,
      `${dir}/bundle.crt`,
    ]);
    assert.equal(bundle, caCert, "its readable certificates only");
    assert.equal(await firstCaBundle([`${dir}/missing.crt`]), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Runs `test()` of a connection without caFile/caCerts in a child with `env`. */
async function connectsWithoutCaOptions(
  url: string,
  password: string,
  env: Record<string, string>,
) {
  const script = `
    import { Connection } from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
    const connection = new Connection({ url: ${JSON.stringify(url)}, username: "admin@internal",
      password: ${JSON.stringify(password)} });
    console.log(await connection.test());
    await connection.close();`;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-check", script],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  return new TextDecoder().decode(output.stdout).trim() === "true";
}

Deno.test("system CAs: an engine CA installed for the system is trusted without caFile", async () => {
  await using simulator = await startSimulator({ tls: true });
  const dir = await Deno.makeTempDir();
  try {
    const bundle = `${dir}/system-bundle.pem`;
    await Deno.writeTextFile(bundle, simulator.caCert!);
    assert.equal(
      await connectsWithoutCaOptions(simulator.url, simulator.password, { SSL_CERT_FILE: bundle }),
      true,
    );
    const empty = `${dir}/empty.pem`;
    await Deno.writeTextFile(empty, "");
    assert.equal(
      await connectsWithoutCaOptions(simulator.url, simulator.password, { SSL_CERT_FILE: empty }),
      false,
      "a CA that is not installed is not trusted",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("system CAs: a damaged block in the bundle does not stop the others", async () => {
  await using simulator = await startSimulator({ tls: true });
  const dir = await Deno.makeTempDir();
  try {
    const bundle = `${dir}/system-bundle.pem`;
    await Deno.writeTextFile(bundle, `${DAMAGED}${simulator.caCert!}`);
    assert.equal(
      await connectsWithoutCaOptions(simulator.url, simulator.password, { SSL_CERT_FILE: bundle }),
      true,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
