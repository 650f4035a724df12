import assert from "node:assert/strict";
import { Connection, connectionOptionsFromEnv, OvirtError } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";

const BASE = ["--url", "https://e/ovirt-engine/api", "--username", "u", "--password", "p"];
const insecureSet = (name: string) => name === "OVIRT_INSECURE" ? "1" : undefined;

Deno.test("connectionOptionsFromEnv: --insecure false (with a space) is refused, never read as --insecure", () => {
  for (const word of ["false", "0", "no", "FALSE", "true", "1"]) {
    assert.throws(
      () => connectionOptionsFromEnv([...BASE, "--insecure", word], () => undefined),
      (error) =>
        error instanceof OvirtError && error.message.includes("--insecure=false") &&
        error.message.includes(`"${word}"`),
      word,
    );
  }
  // A flag of the script after --insecure is no value of it.
  const options = connectionOptionsFromEnv([...BASE, "--insecure", "--vm", "a"], () => undefined);
  assert.equal(options.insecure, true);
});

Deno.test("connectionOptionsFromEnv: --no-insecure keeps verification on over OVIRT_INSECURE=1", () => {
  assert.equal(connectionOptionsFromEnv(BASE, insecureSet).insecure, true);
  assert.equal(
    connectionOptionsFromEnv([...BASE, "--no-insecure"], insecureSet).insecure,
    undefined,
  );
  // The last one decides, as with --insecure=false.
  const last = (args: string[]) => connectionOptionsFromEnv([...BASE, ...args], insecureSet);
  assert.equal(last(["--insecure", "--no-insecure"]).insecure, undefined);
  assert.equal(last(["--no-insecure", "--insecure"]).insecure, true);
  // With verification on, a CA file is no contradiction.
  const withCa = connectionOptionsFromEnv(
    [...BASE, "--no-insecure", "--ca-file", "ca.pem"],
    insecureSet,
  );
  assert.equal(withCa.caFile, "ca.pem");
  assert.throws(
    () => connectionOptionsFromEnv([...BASE, "--no-insecure=1"], insecureSet),
    /--no-insecure takes no value/,
  );
  assert.throws(
    () => connectionOptionsFromEnv(["--username", "--no-insecure"], insecureSet),
    /--username needs a value/,
  );
});

Deno.test("connectionOptionsFromEnv: --no-insecure verifies the engine's certificate for real", async () => {
  await using simulator = await startSimulator({ tls: true, delay: 0 });
  const env = (name: string) =>
    ({
      OVIRT_URL: simulator.url,
      OVIRT_USERNAME: simulator.username,
      OVIRT_PASSWORD: simulator.password,
      OVIRT_INSECURE: "1",
    })[name];
  {
    // OVIRT_INSECURE=1 alone: the simulator's own CA is not trusted, yet the call answers.
    await using connection = new Connection(connectionOptionsFromEnv([], env));
    assert.ok((await connection.systemService().get()).productInfo);
  }
  await using checked = new Connection(connectionOptionsFromEnv(["--no-insecure"], env));
  await assert.rejects(() => checked.systemService().get(), /certificate|TLS|issuer/i);
});
