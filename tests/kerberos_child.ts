/**
 * Runs one scenario of `kerberos_session.ts` in a child `deno run` with its own Kerberos
 * environment and reads the JSON line it prints.
 */

import assert from "node:assert/strict";

const SESSION = new URL("./kerberos_session.ts", import.meta.url);

/** What a child run needs: its scenario, arguments, environment and permissions. */
export interface ChildRun {
  readonly scenario: "login" | "failure" | "endpoint" | "withoutFfi";
  readonly keytab?: string;
  readonly host?: string;
  readonly env?: Record<string, string>;
  /** Grant `--allow-ffi` (default true). */
  readonly ffi?: boolean;
}

/** Runs the scenario and resolves to the object it printed; rejects if the child failed. */
export async function runSession(run: ChildRun): Promise<Record<string, unknown>> {
  const permissions = run.ffi === false ? ["--allow-net"] : ["--allow-net", "--allow-ffi"];
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...permissions,
      SESSION.pathname,
      run.scenario,
      run.keytab ?? "",
      run.host ?? "localhost",
    ],
    env: { NO_COLOR: "1", ...run.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout).trim();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr) + stdout);
  return JSON.parse(stdout.split("\n").at(-1)!);
}
