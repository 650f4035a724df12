import assert from "node:assert/strict";
import { runScript } from "./script_run.ts";
import { Connection, connectionOptionsFromEnv, OvirtError } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";

const MOD = new URL("../mod.ts", import.meta.url).href;
const BASE = ["--url", "https://e/ovirt-engine/api", "--username", "u", "--password", "p"];
const insecureSet = (name: string) => name === "OVIRT_INSECURE" ? "1" : undefined;

/** Runs a script that reads `args` with scriptArgs; its exit code, stdout and stderr. */
async function run(args: string[]) {
  const script = `
    import { scriptArgs } from "${MOD}";
    const { values } = scriptArgs("Usage: script.ts --vm NAME", { vm: { type: "string" } });
    console.log(JSON.stringify(values));
  `;
  return await runScript(script, args);
}

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

Deno.test("scriptArgs: --no-insecure is taken, --insecure false is refused naming --insecure=false", async () => {
  const taken = await run(["--insecure", "--no-insecure", "--vm", "a"]);
  assert.equal(taken.code, 0, taken.stderr);
  assert.deepEqual(JSON.parse(taken.stdout), { vm: "a" });
  const refused = await run(["--insecure", "false", "--vm", "a"]);
  assert.equal(refused.code, 2);
  assert.equal(refused.stdout, "");
  assert.match(refused.stderr, /^--insecure takes no separate value .*--insecure=false.*Usage/);
});

Deno.test("scriptArgs: a word after the password's value is refused without being shown", async () => {
  for (
    const args of [
      ["--password", "my", "secret-part"],
      ["--password=my", "secret-part", "--vm", "a"],
      ["--vm", "a", "--password", "my", "secret-part"],
      ["--password", "my", "-secret-part"],
    ]
  ) {
    const ran = await run(args);
    assert.equal(ran.code, 2, args.join(" "));
    assert.equal(ran.stdout, "");
    assert.match(ran.stderr, /^An unexpected word after --password \(quote a password that holds/);
    assert.ok(!ran.stderr.includes("secret-part"), ran.stderr);
    assert.equal(ran.stderr.trimEnd().split("\n").length, 1);
  }
  // Another flag after the password is no stray word.
  const fine = await run(["--password", "my secret", "--vm", "a"]);
  assert.equal(fine.code, 0, fine.stderr);
  assert.deepEqual(JSON.parse(fine.stdout), { vm: "a", password: "my secret" });
});
