/**
 * Kerberos logins from credential caches and configurations that cannot serve: an empty,
 * damaged or unreadable cache (which made MIT 1.20's GSS-API kill the process with SIGSEGV),
 * a broken `krb5.conf`, a ticket of a realm without a trust to the engine's, and an SSO that
 * repeats the SPNEGO token. Each login runs in a child process (see `kerberos_child.ts`),
 * whose exit code shows a crash.
 */

import assert from "node:assert/strict";
import { runSession } from "./kerberos_child.ts";
import { findKerberosTools, type Kdc, REALM, startKdc, USER } from "./kerberos_kdc.ts";

const tools = findKerberosTools();
const skipped = "missing" in tools ? tools.missing : undefined;
if (skipped) console.warn(`auth_kerberos_caches.test.ts skipped: ${skipped}`);

const ignore = skipped !== undefined;
const suffix = skipped ? ` (skipped: ${skipped})` : "";

/** What `authenticate()` rejected with in a child whose environment is `env`. */
async function loginFailure(kdc: Kdc, env: Record<string, string>): Promise<string> {
  const result = await runSession({ scenario: "failure", keytab: kdc.keytab, env });
  assert.equal(result.error, "AuthError", JSON.stringify(result));
  return String(result.message);
}

/**
 * Logs in with `kerberos: true` and the debug log in a child (environment `env`, `--allow-ffi`
 * flag `ffi`, run as the user `as` through `runuser`) to `url`, or to an engine never reached
 * (the login fails before its request); resolves to what `authenticate()` rejected with and
 * the debug log.
 */
async function childLogin(
  kdc: Kdc,
  env: Record<string, string>,
  { ffi = "--allow-ffi", url = "https://localhost:9/ovirt-engine/api", server = "", as = "" } = {},
): Promise<{ error: string; message: string; log: string }> {
  const script = `${kdc.folder}/login.ts`;
  const sdk = new URL("../mod.ts", import.meta.url).href;
  await Deno.writeTextFile(
    script,
    `import { Connection } from ${JSON.stringify(sdk)};
${server}
const log = [];
await using connection = new Connection({
  url: ${JSON.stringify(url)}.replace("PORT", String(globalThis.port)),
  kerberos: true,
  debug: true,
  log: (line) => log.push(line),
});
try {
  await connection.authenticate();
  console.log(JSON.stringify({ token: true }));
} catch (error) {
  console.log(JSON.stringify({ error: error.name, message: error.message, log: log.join("\\n") }));
}
Deno.exit(0);
`,
  );
  const deno = [Deno.execPath(), "run", "--allow-net", ...ffi.split(" "), script];
  const [command, ...args] = as ? ["runuser", "-u", as, "--", ...deno] : deno;
  const output = await new Deno.Command(command, {
    args,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout).trim();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr) + stdout);
  const result = JSON.parse(stdout);
  assert.equal(result.error, "AuthError", stdout);
  return result;
}

/** The message of {@link childLogin}'s failure before the request. */
async function loginFailureBeforeRequest(kdc: Kdc, env: Record<string, string>): Promise<string> {
  return (await childLogin(kdc, env)).message;
}

Deno.test({
  name: `kerberos: an empty or damaged credential cache is an AuthError naming it${suffix}`,
  ignore,
  fn: async () => {
    await using kdc = await startKdc();
    const empty = `${kdc.folder}/empty.cc`;
    const garbage = `${kdc.folder}/garbage.cc`;
    await Deno.writeFile(empty, new Uint8Array(0));
    await Deno.writeTextFile(garbage, "garbage\n");
    for (const [name, shown] of [[`FILE:${empty}`, empty], [garbage, garbage]]) {
      const message = await loginFailure(kdc, { ...kdc.environment(""), KRB5CCNAME: name });
      assert.match(message, new RegExp(`cannot use the credential cache FILE:${shown}, which is`));
      assert.match(message, /empty or damaged \(Kerberos: .*credentials cache/);
      assert.match(message, /run kinit to write it anew \(kdestroy first if kinit fails\)/);
    }
  },
});

/** Whether this test runs as root with `runuser`, so that a child can run as `nobody`. */
function canRunAsNobody(): boolean {
  return Deno.uid() === 0 && ["/usr/sbin/runuser", "/sbin/runuser"].some(exists);
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name: `kerberos: a credential cache of another user is an AuthError saying whose it is${suffix}`,
  ignore: ignore || !canRunAsNobody(),
  fn: async () => {
    await using kdc = await startKdc();
    // The cache a `sudo kinit` leaves: root's, mode 600; the script runs as nobody.
    const cache = `${kdc.folder}/root.cc`;
    await kdc.kinit(cache);
    await Deno.chmod(cache, 0o600);
    await Deno.chmod(kdc.folder, 0o755);
    await Deno.chmod(`${kdc.folder}/krb5.conf`, 0o644);
    const denoDir = `${kdc.folder}/deno-dir`;
    await Deno.mkdir(denoDir, { mode: 0o777 });
    await Deno.chmod(denoDir, 0o777);
    const environment = { ...kdc.environment(cache), DENO_DIR: denoDir };
    for (const [ffi, shown] of [["--allow-ffi", ""], ["--allow-ffi --allow-read", ", owned"]]) {
      const { message } = await childLogin(kdc, environment, { ffi, as: "nobody" });
      assert.match(
        message,
        new RegExp(`cannot read the credential cache FILE:${cache} \\(Kerberos: .*permissions`),
      );
      assert.match(message, /it may belong to another user .*then run kinit/);
      if (shown) assert.match(message, /, owned by user 0 with mode 600: /);
    }
  },
});

Deno.test({
  name: `kerberos: a DIR: collection whose primary cache is empty is an AuthError${suffix}`,
  ignore,
  fn: async () => {
    await using kdc = await startKdc();
    const collection = `${kdc.folder}/collection`;
    await Deno.mkdir(collection);
    // Alone in the collection (with a good cache beside it, that one serves: see
    // auth_kerberos_collection.test.ts).
    await Deno.writeFile(`${collection}/tktempty`, new Uint8Array(0));
    await Deno.writeTextFile(`${collection}/primary`, "tktempty\n");
    const message = await loginFailure(kdc, {
      ...kdc.environment(""),
      KRB5CCNAME: `DIR:${collection}`,
    });
    assert.match(message, new RegExp(`credential cache DIR::${collection}/tktempty, which is`));
    assert.match(message, /run kinit/);
  },
});

Deno.test({
  name: `kerberos: krb5.conf's default cache, damaged, is an AuthError naming it${suffix}`,
  ignore: ignore || Deno.env.get("KRB5CCNAME") !== undefined,
  fn: async () => {
    await using kdc = await startKdc();
    const cache = `${kdc.folder}/default.cc`;
    await Deno.writeTextFile(cache, "\x05\x04garbage");
    const config = `${kdc.folder}/default-cache.conf`;
    const base = await Deno.readTextFile(`${kdc.folder}/krb5.conf`);
    await Deno.writeTextFile(
      config,
      base.replace("[libdefaults]\n", `[libdefaults]\n  default_ccache_name = FILE:${cache}\n`),
    );
    const { KRB5CCNAME: _, ...environment } = kdc.environment(cache);
    const message = await loginFailure(kdc, { ...environment, KRB5_CONFIG: config });
    assert.match(message, new RegExp(`credential cache FILE:${cache}, which is empty or damaged`));
  },
});

Deno.test({
  name: `kerberos: a krb5.conf that cannot be parsed says so and where to look${suffix}`,
  ignore,
  fn: async () => {
    await using kdc = await startKdc();
    const cache = `${kdc.folder}/user.cc`;
    await kdc.kinit(cache);
    const config = `${kdc.folder}/broken.conf`;
    await Deno.writeTextFile(config, "[libdefaults\n garbage");
    const message = await loginFailureBeforeRequest(kdc, {
      ...kdc.environment(cache),
      KRB5_CONFIG: config,
    });
    assert.match(
      message,
      /cannot read its configuration \(Improper format of Kerberos configuration file\)/,
    );
    assert.match(message, /check the file KRB5_CONFIG names, or \/etc\/krb5\.conf/);
  },
});

Deno.test({
  name: `kerberos: a ticket of a realm with no trust to the engine's names both realms${suffix}`,
  ignore,
  fn: async () => {
    await using kdc = await startKdc();
    const cache = `${kdc.folder}/user.cc`;
    await kdc.kinit(cache);
    // The engine's host belongs to OTHER.TEST, which OVIRT.TEST's KDC has no trust to.
    const base = await Deno.readTextFile(`${kdc.folder}/krb5.conf`);
    const kdcLine = /kdc = (\S+)/.exec(base)![1];
    const config = `${kdc.folder}/other-realm.conf`;
    await Deno.writeTextFile(
      config,
      base.replace(`localhost = ${REALM}`, "localhost = OTHER.TEST").replace(
        "[domain_realm]",
        `  OTHER.TEST = {\n    kdc = ${kdcLine}\n  }\n[domain_realm]`,
      ),
    );
    const message = await loginFailure(kdc, { ...kdc.environment(cache), KRB5_CONFIG: config });
    assert.match(message, new RegExp(`your ticket is for ${USER}@${REALM}, of the realm ${REALM}`));
    assert.match(message, /HTTP\/localhost is of the realm OTHER\.TEST/);
    assert.match(message, /either the KDC of OVIRT\.TEST has no trust to OTHER\.TEST/);
    assert.match(message, /run kinit as a user of OTHER\.TEST, or have a trust set up/);
    // The KDC answers a missing trust as it does a service it does not know: both are named.
    assert.match(message, /or the realm OTHER\.TEST knows no such service/);
  },
});

Deno.test({
  name:
    `kerberos: an SSO repeating the Negotiate header shows no token in messages or log${suffix}`,
  ignore,
  fn: async () => {
    await using kdc = await startKdc();
    const cache = `${kdc.folder}/user.cc`;
    await kdc.kinit(cache);
    const token = /Negotiate\s+[A-Za-z0-9+/=]{16,}/;
    for (const echoed of ["header", "header.slice(0, 40)"]) {
      // An SSO (or a proxy before it) that quotes the request's Authorization header.
      const server = `const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} },
  (request) => {
    const header = request.headers.get("authorization") ?? "";
    return Response.json({ error_code: "server_error", error: "bad header " + ${echoed} },
      { status: 400 });
  });
globalThis.port = server.addr.port;`;
      const result = await childLogin(kdc, kdc.environment(cache), {
        url: "http://localhost:PORT/ovirt-engine/api",
        server,
      });
      assert.match(result.message, /failed: bad header Negotiate \*\*\* \(server_error\)/);
      assert.doesNotMatch(result.message, token);
      assert.match(result.log, /bad header/, "the answer is in the debug log");
      // A header cut short shows the token's first bytes (its ASN.1 framing), not the ticket.
      if (echoed === "header") assert.doesNotMatch(result.log, token);
    }
  },
});

Deno.test({
  name: "kerberos: without a credential cache, a client keytab logs in as GSS-API's default does" +
    suffix,
  ignore,
  fn: async () => {
    await using kdc = await startKdc();
    const cache = `${kdc.folder}/not-yet.cc`; // no kinit: GSS-API makes it from the keytab
    const env = { ...kdc.environment(cache), KRB5_CLIENT_KTNAME: await kdc.clientKeytab() };
    const result = await runSession({ scenario: "login", keytab: kdc.keytab, env });
    assert.equal(result.loginsAfterLists, 1, JSON.stringify(result));
    assert.ok(await kdc.hasValidTicket(cache), "GSS-API kept the keytab's ticket in the cache");
    const log = await Deno.readTextFile(`${kdc.folder}/kdc.log`);
    assert.match(log, new RegExp(`${USER}@${REALM} for HTTP/localhost@${REALM}`));
  },
});
