/**
 * An environment variable whose value is not valid UTF-8 (a password typed on a Latin-1
 * terminal) is refused naming the variable, never quoting the value: Deno's own error quotes
 * it. Run through bash, the only way to give a child process such bytes.
 */

import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const SECRET = "s\\xe9cretvalue"; // bash's $'...' spelling: Latin-1 é, not UTF-8

/** Runs `command` under bash with `variable` set to the secret's bytes; its exit code and output. */
async function runWith(variable: string, command: string) {
  const { code, stdout, stderr } = await new Deno.Command("bash", {
    args: ["-c", `export ${variable}=$'${SECRET}'; ${command}`],
    cwd: ROOT,
    env: { NO_COLOR: "1", HOME: await Deno.makeTempDir() },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code, output: decoder.decode(stdout) + decoder.decode(stderr) };
}

/** A script run with `deno eval` that prints the name and message of what `body` throws. */
function evalPrinting(body: string): string {
  const script = `import * as m from "./mod.ts";\nimport { proxyFor } from ` +
    `"./transport/proxy_env.ts";\ntry { ${body}; console.log("no error"); } catch (e) ` +
    `{ console.log(e.name, e instanceof m.OvirtError, e.message); }`;
  return `deno eval --ext=ts '${script.replaceAll("'", "'\\''")}'`;
}

Deno.test("connectionOptionsFromEnv: an OVIRT_PASSWORD not in UTF-8 is named, not quoted", async () => {
  const { output } = await runWith(
    "OVIRT_PASSWORD",
    `OVIRT_URL=https://engine.example/ovirt-engine/api OVIRT_USERNAME=admin@internal ` +
      evalPrinting("m.connectionOptionsFromEnv([])"),
  );
  assert.match(
    output,
    /OvirtError true The environment variable OVIRT_PASSWORD is not valid UTF-8/,
  );
  assert.doesNotMatch(output, /cretvalue/);
});

Deno.test("the proxy's variables: one not in UTF-8 is named, not quoted", async () => {
  const { output } = await runWith(
    "HTTPS_PROXY",
    evalPrinting('proxyFor(new URL("https://engine.example/"))'),
  );
  assert.match(output, /OvirtError true The environment variable HTTPS_PROXY is not valid UTF-8/);
  assert.doesNotMatch(output, /cretvalue/);
});

Deno.test("ovirt: an OVIRT_PASSWORD not in UTF-8 is a bad setting (exit 2), named, not quoted", async () => {
  const { code, output } = await runWith(
    "OVIRT_PASSWORD",
    "OVIRT_URL=http://127.0.0.1:9/ovirt-engine/api OVIRT_USERNAME=admin@internal " +
      "deno run -A cli/main.ts vm list",
  );
  assert.equal(code, 2, output);
  assert.match(output, /OVIRT_PASSWORD is not valid UTF-8 \(its value is not shown\)/);
  assert.doesNotMatch(output, /cretvalue/);
});

Deno.test("ovirt: a COLUMNS not in UTF-8 is ignored as any other width that is none", async () => {
  const { code, output } = await runWith("COLUMNS", "deno run -A cli/main.ts --help");
  assert.equal(code, 0, output);
  assert.match(output, /Usage/);
});
