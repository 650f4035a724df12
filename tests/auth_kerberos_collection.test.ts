/**
 * Kerberos logins from a cache collection (`DIR:`, like `KCM:` and `KEYRING:`) holding several
 * users: the cache MIT's selection picks for the engine (its realm, `~/.k5identity`) is the one
 * used, a damaged cache in the collection never crashes the process, and a KCM daemon that
 * never answers leaves `timeout` and timers working. Each login runs in a child process.
 */

import assert from "node:assert/strict";
import {
  findKerberosTools,
  type Kdc,
  REALM,
  runTool,
  silentKcm,
  startKdc,
  USER,
} from "./kerberos_kdc.ts";

const tools = findKerberosTools();
const skipped = "missing" in tools ? tools.missing : undefined;
if (skipped) console.warn(`auth_kerberos_collection.test.ts skipped: ${skipped}`);

const ignore = skipped !== undefined;
const suffix = skipped ? ` (skipped: ${skipped})` : "";
const paths = "paths" in tools ? tools.paths : undefined;

/** What the child printed: how the login ended, when, and how often a 200 ms timer ran. */
interface Outcome {
  readonly ok?: boolean;
  readonly error?: string;
  readonly message?: string;
  readonly seconds: number;
  readonly ticks: number;
}

/**
 * Logs in with `kerberos: true` to a simulator accepting the realm's keytab, in a child with
 * the environment `env` (and `timeout` ms as the connection's limit); asserts the child ended
 * by itself (exit 0: no crash) within `limit` seconds.
 */
async function childLogin(
  kdc: Kdc,
  env: Record<string, string>,
  { timeout = 30_000, limit = 60 } = {},
): Promise<Outcome> {
  const script = `${kdc.folder}/collection_login.ts`;
  const mod = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
  await Deno.writeTextFile(
    script,
    `import { Connection } from ${mod("../mod.ts")};
import { startSimulator } from ${mod("../testing/mod.ts")};
const sim = await startSimulator({ tls: true, keytab: ${JSON.stringify(kdc.keytab)}, delay: 0 });
let ticks = 0;
const timer = setInterval(() => ticks++, 200);
const started = performance.now();
const connection = new Connection({
  url: sim.url.replace("127.0.0.1", "localhost"),
  kerberos: true,
  caCerts: [sim.caCert],
  timeout: ${timeout},
});
let outcome;
try {
  await connection.authenticate();
  outcome = { ok: true };
} catch (error) {
  outcome = { error: error.name, message: error.message };
}
const seconds = (performance.now() - started) / 1000;
clearInterval(timer);
console.log(JSON.stringify({ ...outcome, seconds, ticks }));
// A native call still waiting for a daemon keeps the process: end it here.
Deno.exit(0);
`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), limit * 1000);
  const output = await child.output();
  clearTimeout(killer);
  const stdout = new TextDecoder().decode(output.stdout).trim();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr) + stdout);
  return JSON.parse(stdout.split("\n").at(-1)!);
}

/** Adds the principal `name` (password `name`) to the realm. */
async function addPrincipal(kdc: Kdc, name: string): Promise<void> {
  await runTool(paths!["kadmin.local"], ["-q", `addprinc -pw ${name}-pw ${name}`], {
    KRB5_CONFIG: `${kdc.folder}/krb5.conf`,
    KRB5_KDC_PROFILE: `${kdc.folder}/kdc.conf`,
  });
}

/** `kinit user` into the collection `KRB5CCNAME` names (the new cache becomes its primary). */
async function kinit(env: Record<string, string>, user: string, password: string) {
  await runTool(paths!.kinit, [`${user}@${REALM}`], env, `${password}\n`);
}

/** The clients the KDC gave a ticket for `HTTP/localhost` to. */
async function serviceTicketsOf(kdc: Kdc): Promise<string[]> {
  const log = await Deno.readTextFile(`${kdc.folder}/kdc.log`);
  return [...log.matchAll(/TGS_REQ .*: ISSUE: .*, (\S+) for HTTP\/localhost@/g)].map((m) => m[1]);
}

/** A cache file (version 4) holding only the principal `user@realm`, with no ticket. */
function principalOnlyCache(user: string, realm: string): Uint8Array {
  const text = (value: string) => {
    const bytes = new TextEncoder().encode(value);
    return [...u32(bytes.length), ...bytes];
  };
  return new Uint8Array([5, 4, 0, 0, ...u32(1), ...u32(1), ...text(realm), ...text(user)]);
}

function u32(value: number): number[] {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
}

/** A DIR: collection in the realm's folder and the environment that makes it the default. */
async function collectionOf(kdc: Kdc): Promise<{ folder: string; env: Record<string, string> }> {
  const folder = `${kdc.folder}/collection`;
  await Deno.mkdir(folder);
  return {
    folder,
    env: { ...kdc.environment(""), KRB5CCNAME: `DIR:${folder}`, HOME: `${kdc.folder}/home` },
  };
}

Deno.test({
  name:
    `kerberos: a DIR: collection whose primary is of another realm logs in with the engine's${suffix}`,
  ignore,
  fn: async () => {
    await using kdc = await startKdc();
    const { folder, env } = await collectionOf(kdc);
    await kinit(env, USER, "alice-kerberos-password");
    await Deno.writeFile(`${folder}/tktother`, principalOnlyCache("carol", "OTHER.TEST"));
    await Deno.writeTextFile(`${folder}/primary`, "tktother\n");
    const outcome = await childLogin(kdc, env);
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    assert.deepEqual(await serviceTicketsOf(kdc), [`${USER}@${REALM}`]);
  },
});

Deno.test({
  name: `kerberos: ~/.k5identity picks the collection's cache, not the primary${suffix}`,
  ignore,
  fn: async () => {
    await using kdc = await startKdc();
    await addPrincipal(kdc, "bob");
    const { env } = await collectionOf(kdc);
    await Deno.mkdir(env.HOME);
    await Deno.writeTextFile(`${env.HOME}/.k5identity`, `${USER}@${REALM} host=localhost\n`);
    await kinit(env, USER, "alice-kerberos-password");
    await kinit(env, "bob", "bob-pw"); // the primary now
    const outcome = await childLogin(kdc, env);
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    assert.deepEqual(await serviceTicketsOf(kdc), [`${USER}@${REALM}`]);
  },
});

Deno.test({
  name: `kerberos: after kdestroy of the primary, the collection's other cache logs in${suffix}`,
  ignore,
  fn: async () => {
    await using kdc = await startKdc();
    await addPrincipal(kdc, "bob");
    const { env } = await collectionOf(kdc);
    await kinit(env, USER, "alice-kerberos-password");
    await kinit(env, "bob", "bob-pw");
    // kdestroy sits beside kinit; it destroys the primary (bob's) only.
    await runTool(paths!.kinit.replace(/kinit$/, "kdestroy"), [], env);
    const outcome = await childLogin(kdc, env);
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    assert.deepEqual(await serviceTicketsOf(kdc), [`${USER}@${REALM}`]);
  },
});

Deno.test({
  name: `kerberos: a damaged primary cache in a DIR: collection never crashes${suffix}`,
  ignore,
  fn: async () => {
    await using kdc = await startKdc();
    const { folder, env } = await collectionOf(kdc);
    await kinit(env, USER, "alice-kerberos-password");
    await Deno.writeFile(`${folder}/tktdamaged`, new Uint8Array([5, 4, 0, 9, 1]));
    await Deno.writeTextFile(`${folder}/primary`, "tktdamaged\n");
    // The child exits 0 (asserted): no SIGSEGV; the readable cache of the engine's realm serves.
    const outcome = await childLogin(kdc, env);
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    // Alone in the collection, the damaged cache is named.
    await Deno.remove(folder, { recursive: true });
    const alone = await collectionOf(kdc);
    await Deno.writeFile(`${alone.folder}/tktdamaged`, new Uint8Array([5, 4, 0, 9, 1]));
    await Deno.writeTextFile(`${alone.folder}/primary`, "tktdamaged\n");
    const refused = await childLogin(kdc, alone.env);
    assert.equal(refused.error, "AuthError", JSON.stringify(refused));
    assert.match(
      refused.message!,
      /credential cache DIR::.*\/tktdamaged, which is empty or damaged/,
    );
  },
});

Deno.test({
  name: `kerberos: a KCM daemon that never answers: timeout ends the login on time${suffix}`,
  ignore,
  fn: async () => {
    await using kdc = await startKdc();
    await using kcm = await silentKcm(kdc);
    const outcome = await childLogin(kdc, {
      ...kdc.environment(""),
      KRB5_CONFIG: kcm.config,
      KRB5CCNAME: "KCM:",
    }, { timeout: 1000, limit: 20 });
    assert.equal(outcome.error, "TimeoutError", JSON.stringify(outcome));
    assert.ok(outcome.seconds < 3, `ended after ${outcome.seconds} s`);
    assert.ok(outcome.ticks >= 3, `the timer ran ${outcome.ticks} times`);
    assert.ok(kcm.connections > 0, "the login asked the KCM socket");
  },
});
