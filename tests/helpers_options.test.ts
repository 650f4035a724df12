import assert from "node:assert/strict";
import { connectionOptionsFromEnv } from "../helpers/options_from_env.ts";
import { OvirtError } from "../transport/errors.ts";
import { spawnScript } from "./script_child.ts";

const noEnv = () => undefined;

Deno.test("flags win over variables, both forms of flag are read", () => {
  const env = (name: string) =>
    ({
      OVIRT_URL: "https://env/ovirt-engine/api",
      OVIRT_USERNAME: "env@internal",
      OVIRT_PASSWORD: "from-env",
      OVIRT_CA_FILE: "/env/ca.pem",
    })[name];
  const options = connectionOptionsFromEnv(
    ["--url", "https://flag/ovirt-engine/api", "--username=flag@internal", "--name", "vm1"],
    env,
  );
  assert.deepEqual(options, {
    url: "https://flag/ovirt-engine/api",
    username: "flag@internal",
    password: "from-env",
    caFile: "/env/ca.pem",
  });
});

Deno.test("--insecure and OVIRT_INSECURE=1 skip verification", () => {
  const base = ["--url", "https://e/ovirt-engine/api", "--username", "u", "--password", "p"];
  assert.equal(connectionOptionsFromEnv([...base, "--insecure"], noEnv).insecure, true);
  assert.equal(
    connectionOptionsFromEnv(base, (name) => name === "OVIRT_INSECURE" ? "1" : undefined)
      .insecure,
    true,
  );
  assert.equal(connectionOptionsFromEnv(base, noEnv).insecure, undefined);
  // Spelled out, the flag says which: `--insecure=false` keeps verification on.
  assert.equal(connectionOptionsFromEnv([...base, "--insecure=true"], noEnv).insecure, true);
  for (const off of ["--insecure=false", "--insecure=0"]) {
    const insecureEnv = (name: string) => name === "OVIRT_INSECURE" ? "1" : undefined;
    assert.equal(connectionOptionsFromEnv([...base, off], insecureEnv).insecure, undefined, off);
  }
  assert.throws(
    () => connectionOptionsFromEnv([...base, "--insecure=maybe"], noEnv),
    /--insecure takes true or false, not "maybe"/,
  );
});

Deno.test("OVIRT_INSECURE is read as the ovirt command reads it", () => {
  const base = ["--url", "https://e/ovirt-engine/api", "--username", "u", "--password", "p"];
  const insecure = (value: string) =>
    connectionOptionsFromEnv(base, (name) => name === "OVIRT_INSECURE" ? value : undefined)
      .insecure;
  for (const on of ["1", "true", "yes", "TRUE", "Yes"]) assert.equal(insecure(on), true, on);
  for (const off of ["0", "false", "no", "NO", ""]) assert.equal(insecure(off), undefined, off);
  for (const odd of ["2", "off", "on", "y"]) {
    assert.throws(
      () => insecure(odd),
      (error) =>
        error instanceof OvirtError &&
        error.message ===
          `OVIRT_INSECURE must be 1 (skip TLS checks) or 0 (also true/yes, false/no), not "${odd}"`,
      odd,
    );
  }
});

Deno.test("insecure with a CA file is refused in the script's own words", () => {
  const base = ["--url", "https://e/ovirt-engine/api", "--username", "u", "--password", "p"];
  const vars = (values: Record<string, string>) => (name: string) => values[name];
  assert.throws(
    () => connectionOptionsFromEnv([...base, "--insecure"], vars({ OVIRT_CA_FILE: "/ca.pem" })),
    /^OvirtError: --insecure turns certificate checks off, so the CA file of OVIRT_CA_FILE would/,
  );
  assert.throws(
    () =>
      connectionOptionsFromEnv([...base, "--ca-file", "/ca.pem"], vars({ OVIRT_INSECURE: "1" })),
    /OVIRT_INSECURE=1 turns certificate checks off, so the CA file of --ca-file .*--insecure=false/,
  );
  const either = vars({ OVIRT_INSECURE: "1", OVIRT_CA_FILE: "" });
  assert.equal(connectionOptionsFromEnv(base, either).insecure, true, "an empty OVIRT_CA_FILE");
});

Deno.test("missing URL or credentials is a clear OvirtError without secrets", () => {
  assert.throws(() => connectionOptionsFromEnv([], noEnv), (error: unknown) => {
    assert.ok(error instanceof OvirtError);
    assert.match(error.message, /OVIRT_URL/);
    return true;
  });
  assert.throws(
    () =>
      connectionOptionsFromEnv(
        ["--url", "https://e/ovirt-engine/api", "--password", "s3cr3t"],
        noEnv,
      ),
    (error: unknown) => {
      assert.ok(error instanceof OvirtError);
      assert.match(error.message, /OVIRT_USERNAME/);
      assert.doesNotMatch(error.message, /s3cr3t/);
      return true;
    },
  );
  assert.throws(() => connectionOptionsFromEnv(["--url"], noEnv), /--url needs a value/);
  // The next flag is not the value of one that has none.
  assert.throws(
    () => connectionOptionsFromEnv(["--username", "--password", "x"], noEnv),
    /--username needs a value/,
  );
  assert.throws(
    () => connectionOptionsFromEnv(["--ca-file", "--insecure"], noEnv),
    /--ca-file needs a value/,
  );
});

Deno.test("a script given every value as a flag needs no permission to read the environment", async () => {
  const module = JSON.stringify(new URL("../helpers/options_from_env.ts", import.meta.url).href);
  const script = `
    import { connectionOptionsFromEnv } from ${module};
    console.log(JSON.stringify(connectionOptionsFromEnv(
      ["--url", "https://e/ovirt-engine/api", "--username", "u@internal", "--password", "p"],
    )));
  `;
  const child = await spawnScript(script, ["--no-prompt"]);
  const { code, stdout, stderr } = await child.output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(stdout)), {
    url: "https://e/ovirt-engine/api",
    username: "u@internal",
    password: "p",
  });
});
