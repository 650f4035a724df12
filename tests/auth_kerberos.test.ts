/**
 * Kerberos single sign-on end to end against a throwaway MIT KDC on loopback: `kinit` as a
 * user, then a connection with `kerberos: true` logs in to the simulator over TLS (which
 * checks the SPNEGO token against its keytab). The client and the simulator run in a child
 * process with the realm's environment (see `kerberos_session.ts`).
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { runSession } from "./kerberos_child.ts";
import { findKerberosTools, type Kdc, REALM, startKdc, USER } from "./kerberos_kdc.ts";

const tools = findKerberosTools();
const skipped = "missing" in tools ? tools.missing : undefined;
if (skipped) console.warn(`auth_kerberos.test.ts skipped: ${skipped}`);

const ignore = skipped !== undefined;
const suffix = skipped ? ` (skipped: ${skipped})` : "";

/** Runs `body` with a fresh realm and a ticket for `USER` in the cache `<folder>/user.cc`. */
async function withTicket(body: (kdc: Kdc, cache: string) => Promise<void>): Promise<void> {
  await using kdc = await startKdc();
  const cache = `${kdc.folder}/user.cc`;
  await kdc.kinit(cache);
  await body(kdc, cache);
}

Deno.test({
  name:
    `kerberos: kinit, then kerberos: true lists VMs over TLS; one shared login, renewed once${suffix}`,
  ignore,
  fn: () =>
    withTicket(async (kdc, cache) => {
      const result = await runSession({
        scenario: "login",
        keytab: kdc.keytab,
        env: kdc.environment(cache),
      });
      const { authorizationLines, ...rest } = result;
      assert.ok(
        Number(authorizationLines) > 2,
        "the debug log shows Authorization headers (redacted)",
      );
      assert.deepEqual(rest, {
        vms: Array(10).fill(20),
        loginsAfterLists: 1,
        vmsAfterRevoke: 20,
        loginsAfterRevoke: 2,
        renewed: true,
        tokenUsableAfterClose: false,
        negotiateLogins: 2,
        secretInLog: false,
      });
      const log = await Deno.readTextFile(`${kdc.folder}/kdc.log`);
      assert.match(log, new RegExp(`${USER}@${REALM} for HTTP/localhost@${REALM}`));
    }),
});

Deno.test({
  name: `kerberos: connecting by IP address names the missing service principal${suffix}`,
  ignore,
  fn: () =>
    withTicket(async (kdc, cache) => {
      const result = await runSession({
        scenario: "failure",
        keytab: kdc.keytab,
        host: "127.0.0.1",
        env: kdc.environment(cache),
      });
      assert.equal(result.error, "AuthError");
      assert.match(String(result.message), /no service principal HTTP\/127\.0\.0\.1/);
      assert.match(String(result.message), /connecting by IP address or an alias fails/);
    }),
});

Deno.test({
  name: `kerberos: a ticket the engine's keytab cannot check is an AuthError saying so${suffix}`,
  ignore,
  fn: () =>
    withTicket(async (kdc, cache) => {
      const outdated = kdc.keytab;
      await kdc.changeServiceKey();
      const result = await runSession({
        scenario: "failure",
        keytab: outdated,
        env: kdc.environment(cache),
      });
      assert.equal(result.error, "AuthError");
      assert.match(
        String(result.message),
        /token-http-auth failed: the engine did not accept the Kerberos ticket \(HTTP status 401\)/,
      );
      assert.match(String(result.message), /HTTP\/localhost in its keytab/);
      assert.match(
        String(result.message),
        /service ticket for the old one: run kinit again \(or kdestroy, then kinit\)/,
      );
    }),
});

Deno.test({
  name: `kerberos: an expired ticket says to run kinit again${suffix}`,
  ignore,
  fn: async () => {
    await using kdc = await startKdc();
    const cache = `${kdc.folder}/short.cc`;
    await kdc.kinit(cache, "1s");
    // Wait for the expiry itself (klist says so), then two seconds more: the ticket ends on
    // a whole second, and a request in its last second can still get a service ticket.
    while (await kdc.hasValidTicket(cache)) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const result = await runSession({
      scenario: "failure",
      keytab: kdc.keytab,
      env: kdc.environment(cache),
    });
    assert.equal(result.error, "AuthError");
    assert.match(String(result.message), /the Kerberos ticket has expired: run kinit again/);
    assert.match(String(result.message), /Ticket expired/);
  },
});

Deno.test({
  name: `kerberos: no credential cache says to run kinit${suffix}`,
  ignore,
  fn: async () => {
    await using kdc = await startKdc();
    const result = await runSession({
      scenario: "failure",
      keytab: kdc.keytab,
      env: kdc.environment(`${kdc.folder}/never-filled.cc`),
    });
    assert.equal(result.error, "AuthError");
    assert.match(
      String(result.message),
      /no Kerberos ticket to log in with \(no credential cache, nor a client keytab\): run kinit /,
    );
  },
});

Deno.test({
  name: `kerberos: the simulator's token-http-auth answers as the engine does${suffix}`,
  ignore,
  fn: () =>
    withTicket(async (kdc, cache) => {
      const result = await runSession({
        scenario: "endpoint",
        keytab: kdc.keytab,
        env: kdc.environment(cache),
      });
      const json = "application/json";
      const html = "text/html;charset=UTF-8";
      const refused = { status: 401, challenge: "Negotiate", type: html, accessToken: false };
      const granted = { status: 200, challenge: null, type: json, accessToken: true };
      assert.deepEqual(result, {
        noAccept: {
          status: 400,
          challenge: null,
          type: json,
          accessToken: false,
          error: "invalid_request",
        },
        noNegotiate: refused,
        badToken: refused,
        wrongGrant: {
          status: 400,
          challenge: null,
          type: json,
          accessToken: false,
          error: "unsupported_grant_type",
        },
        query: granted,
        form: granted,
        logins: 2,
      });
    }),
});

Deno.test({
  name: `kerberos: the README example runs as written against the simulator${suffix}`,
  ignore,
  fn: () =>
    withTicket(async (kdc, cache) => {
      // The simulator checks tokens with the keytab it is given, so it can serve from this
      // process; the script that uses the user's ticket runs with the realm's environment.
      await using sim = await startSimulator({ tls: true, keytab: kdc.keytab });
      const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
      const section = readme.slice(readme.indexOf("## Kerberos"));
      const code = /```ts\n([\s\S]*?)```/.exec(section)![1];
      const script = code
        .replace('"jsr:@ovirt/sdk"', JSON.stringify(new URL("../mod.ts", import.meta.url).href))
        .replace(
          '"https://engine.example.com/ovirt-engine/api"',
          JSON.stringify(sim.url.replace("127.0.0.1", "localhost")),
        );
      await Deno.writeTextFile(`${kdc.folder}/ca.pem`, sim.caCert!);
      await Deno.writeTextFile(`${kdc.folder}/kerberos_example.ts`, script);
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-net", "--allow-read", "--allow-ffi", "kerberos_example.ts"],
        cwd: kdc.folder,
        env: { ...kdc.environment(cache), NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
      await using admin = new Connection({
        url: sim.url,
        username: sim.username,
        password: sim.password,
        caCerts: [sim.caCert!],
      });
      const [first] = await admin.systemService().vmsService().list();
      assert.match(new TextDecoder().decode(output.stdout), new RegExp(`"${first.name}"`));
      assert.equal(sim.loginCount, 2, "the example's Kerberos login, then the admin's");
    }),
});
