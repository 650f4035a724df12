/**
 * `ovirt login --kerberos` and `deno task sim --keytab` against a throwaway MIT KDC on
 * loopback: the standalone simulator (`testing/main.ts`) runs with the `sim` task's
 * permissions and the realm's keytab, and `ovirt` (`cli/main.ts`) with the `cli` task's,
 * each a process of its own with the realm's environment (`KRB5_CONFIG`, `KRB5CCNAME`).
 * Skipped where MIT's KDC is not installed, as `auth_kerberos.test.ts` is.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { CLI, type CliRun, oneErrorLine } from "./cli_harness.ts";
import { findKerberosTools, type Kdc, runTool, silentKcm, startKdc } from "./kerberos_kdc.ts";

const tools = findKerberosTools();

/** The path of the Kerberos tool `name` (the tests that call it run only where it is). */
function kerberosPath(name: "kadmin.local" | "kinit"): string {
  if (!("paths" in tools)) throw new Error(tools.missing);
  return tools.paths[name];
}
const skipped = "missing" in tools ? tools.missing : undefined;
if (skipped) console.warn(`cli_kerberos.test.ts skipped: ${skipped}`);

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SIM = fileURLToPath(new URL("../testing/main.ts", import.meta.url));

/** The permission flags of the task `name` of deno.json (`--allow-net`, ...). */
async function taskPermissions(name: string): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  return String(config.tasks[name]).split(" ").filter((word) => word.startsWith("--allow-"));
}

/** The environment of a child: no colour, Deno's cache, and `env` (nothing else of ours). */
function childEnv(env: Record<string, string>): Record<string, string> {
  return {
    NO_COLOR: "1",
    PATH: Deno.env.get("PATH") ?? "",
    DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
    ...env,
  };
}

/** What `deno task sim --json` printed. */
interface SimLine {
  url: string;
  caFile: string;
  kerberosUrl?: string;
}

/** Starts `testing/main.ts args...` as the `sim` task does; resolves once it printed its line. */
async function startSim(
  args: string[],
  env: Record<string, string>,
): Promise<{ line: SimLine } & AsyncDisposable> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...await taskPermissions("sim"), SIM, "--json", "--empty", ...args],
    env: childEnv(env),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  return {
    line: JSON.parse(text.split("\n")[0]),
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      await child.status;
      await reader.cancel();
    },
  };
}

/**
 * Runs `ovirt args...` with `permissions` (default: the `cli` task's) and `env`; `signal`
 * kills it.
 */
async function ovirt(
  args: string[],
  env: Record<string, string>,
  permissions?: string[],
  signal?: AbortSignal,
): Promise<CliRun> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions ?? await taskPermissions("cli"), CLI, ...args],
    env: childEnv(env),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal,
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** The one session file of `home`, as JSON. */
async function sessionFile(
  home: string,
): Promise<{ path: string; session: Record<string, unknown> }> {
  const folder = `${home}/cache/ovirt/sessions`;
  const [entry] = await Array.fromAsync(Deno.readDir(folder));
  const path = `${folder}/${entry.name}`;
  return { path, session: JSON.parse(await Deno.readTextFile(path)) };
}

Deno.test({
  name: `ovirt login --kerberos and deno task sim --keytab${
    skipped ? ` (skipped: ${skipped})` : ""
  }`,
  ignore: skipped !== undefined,
  fn: async (t) => {
    await using kdc: Kdc = await startKdc();
    const cache = `${kdc.folder}/user.cc`;
    const home = `${kdc.folder}/home`;
    const homeEnv = {
      HOME: home,
      XDG_CONFIG_HOME: `${home}/config`,
      XDG_CACHE_HOME: `${home}/cache`,
    };
    const realm = { ...kdc.environment(cache), ...homeEnv };
    const noTicket = { ...kdc.environment(`${kdc.folder}/never-filled.cc`), ...homeEnv };
    await using sim = await startSim(["--keytab", kdc.keytab], kdc.environment(cache));
    const url = sim.line.kerberosUrl!;
    const where = ["--url", url, "--ca-file", sim.line.caFile];

    await t.step("the simulator of the sim task names the URL of Kerberos logins", () => {
      assert.equal(url, sim.line.url.replace("127.0.0.1", "localhost"));
    });

    await t.step("without a ticket: one line saying to run kinit, exit 4, no session", async () => {
      const run = await ovirt(["login", "--kerberos", ...where], noTicket);
      assert.equal(run.code, 4, run.stderr);
      assert.match(oneErrorLine(run), /^ovirt: Kerberos login .*: run kinit first/);
      const sessions = await Array.fromAsync(Deno.readDir(`${home}/cache/ovirt/sessions`))
        .catch(() => []);
      assert.deepEqual(sessions, []);
    });

    await t.step("without --allow-ffi: one line saying to run ovirt with it, exit 4", async () => {
      const permissions = (await taskPermissions("cli")).filter((flag) => flag !== "--allow-ffi");
      const run = await ovirt(["login", "--kerberos", ...where], realm, permissions);
      assert.equal(run.code, 4, run.stderr);
      assert.match(oneErrorLine(run), /: run ovirt with --allow-ffi \(deno run --allow-ffi /);
    });

    await kdc.kinit(cache);

    await t.step("login --kerberos keeps the SSO token; a command then uses it", async () => {
      // A user name and OVIRT_PASSWORD left in the shell: Kerberos wins, as in the SDK.
      const stray = { OVIRT_USERNAME: "bob@internal", OVIRT_PASSWORD: "not-used" };
      const login = await ovirt(["login", "--kerberos", ...where], { ...realm, ...stray });
      assert.equal(login.code, 0, login.stderr);
      assert.match(
        login.stderr,
        /^Logged in to https:\/\/localhost:\d+\/\S+ as alice@OVIRT\.TEST with your Kerberos ticket;/,
      );
      const { session } = await sessionFile(home);
      assert.equal(session.kerberos, true);
      assert.equal(session.principal, "alice@OVIRT.TEST");
      assert.equal(session.username, undefined);
      assert.equal(typeof session.token, "string");
      // No ticket now: the command can only be using the cached session.
      const list = await ovirt(["data-centers", "list", "-o", "ids", ...where], noTicket);
      assert.equal(list.code, 0, list.stderr);
      assert.equal(list.stdout.trim().split("\n").length, 1);
      const asBob = await ovirt(["vms", "list", ...where], {
        ...noTicket,
        OVIRT_USERNAME: "bob@internal",
      });
      assert.equal(asBob.code, 4);
      assert.match(oneErrorLine(asBob), /its session is your Kerberos login; add --kerberos/);
    });

    await t.step("a profile with kerberos renews a rejected session with the ticket", async () => {
      const set = await ovirt(
        ["profile", "set", "krb", ...where, "--kerberos"],
        homeEnv,
      );
      assert.equal(set.code, 0, set.stderr);
      const { path, session } = await sessionFile(home);
      await Deno.writeTextFile(path, JSON.stringify({ ...session, token: "revoked-long-ago" }));
      const renewed = await ovirt(["-p", "krb", "data-centers", "list", "-o", "ids"], realm);
      assert.equal(renewed.code, 0, renewed.stderr);
      assert.equal(renewed.stdout.trim().split("\n").length, 1);
      const refused = await ovirt(["-p", "krb", "--no-kerberos", "vms", "list"], realm);
      assert.equal(refused.code, 4);
      assert.match(
        oneErrorLine(refused),
        /session of your Kerberos login at .* revoked: run `ovirt login --kerberos` again$/,
      );
      const variable = await ovirt(["vms", "list", ...where], { ...realm, OVIRT_KERBEROS: "1" });
      assert.equal(variable.code, 0, variable.stderr);
      const login = await ovirt(["-p", "krb", "login"], realm);
      assert.equal(login.code, 0, login.stderr);
      assert.match(login.stderr, /with your Kerberos ticket; session kept in /);
    });

    await t.step("a --kerberos command with another user's ticket logs in with it", async () => {
      const admin = {
        KRB5_CONFIG: `${kdc.folder}/krb5.conf`,
        KRB5_KDC_PROFILE: `${kdc.folder}/kdc.conf`,
      };
      const bobCache = `${kdc.folder}/bob.cc`;
      await runTool(kerberosPath("kadmin.local"), ["-q", "addprinc -pw bob-pw bob"], admin);
      await runTool(kerberosPath("kinit"), ["-c", `FILE:${bobCache}`, "bob"], admin, "bob-pw\n");
      const before = await Deno.readTextFile(`${kdc.folder}/kdc.log`);
      const asBob = { ...kdc.environment(bobCache), ...homeEnv };
      const list = await ovirt(["--kerberos", "vms", "list", ...where], asBob);
      assert.equal(list.code, 0, list.stderr);
      assert.match(
        list.stderr,
        /is alice@OVIRT\.TEST's and your ticket is bob@OVIRT\.TEST's: logging in with your ticket/,
      );
      const after = (await Deno.readTextFile(`${kdc.folder}/kdc.log`)).slice(before.length);
      assert.match(after, /bob@OVIRT\.TEST for HTTP\/localhost@OVIRT\.TEST/);
      const { session } = await sessionFile(home);
      assert.equal(session.principal, "alice@OVIRT.TEST", "alice's session is kept");
      const asAlice = await ovirt(["--kerberos", "vms", "list", ...where], realm);
      assert.equal(asAlice.code, 0, asAlice.stderr);
      assert.doesNotMatch(asAlice.stderr, /logging in with your ticket/);
    });

    await t.step(
      "a KCM daemon that never answers: the session is used after the time limit",
      async () => {
        await using daemon = await silentKcm(kdc);
        const kcm = {
          ...realm,
          KRB5_CONFIG: daemon.config,
          KRB5CCNAME: "KCM:",
        };
        const started = performance.now();
        const list = await ovirt(
          [
            "--kerberos",
            "--request-timeout",
            "1s",
            "data-centers",
            "list",
            "-o",
            "ids",
            ...where,
          ],
          kcm,
          undefined,
          AbortSignal.timeout(20_000),
        );
        const seconds = (performance.now() - started) / 1000;
        assert.equal(list.code, 0, list.stderr);
        assert.equal(list.stdout.trim().split("\n").length, 1);
        assert.ok(seconds < 10, `ovirt ended after ${seconds} s`);
        assert.ok(daemon.connections > 0, "ovirt asked the KCM socket");
      },
    );
  },
});

Deno.test("ovirt completion offers --kerberos and --no-kerberos, and profile set --kerberos", async () => {
  const complete = async (...words: string[]) =>
    (await ovirt(["__complete", ...words], {})).stdout.trim().split("\n");
  assert.deepEqual(await complete("vms", "list", "--no-ker"), ["--no-kerberos"]);
  assert.deepEqual(await complete("login", "--ker"), ["--kerberos"]);
  assert.deepEqual(await complete("profile", "set", "lab", "--ker"), ["--kerberos"]);
});
