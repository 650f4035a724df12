/**
 * One Kerberos scenario, run by `auth_kerberos*.test.ts` in a child `deno run` whose
 * environment (`KRB5_CONFIG`, `KRB5CCNAME`) points at a throwaway realm: Kerberos reads
 * those variables process-wide, and the other test files share the test process. Prints
 * one JSON line with what happened; the tests judge it.
 *
 *   deno run --allow-net --allow-ffi tests/kerberos_session.ts <scenario> [keytab] [host]
 */

import { Connection } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { negotiateToken } from "../transport/kerberos/negotiate.ts";

type Scenario = (keytab: string, host: string) => Promise<Record<string, unknown>>;

/** Lists VMs over TLS with `kerberos: true`, shares, renews and revokes the token. */
const login: Scenario = async (keytab, host) => {
  await using sim = await startSimulator({ tls: true, keytab, delay: 0 });
  const url = sim.url.replace("127.0.0.1", host);
  const log: string[] = [];
  const connection = new Connection({
    url,
    kerberos: true,
    caCerts: [sim.caCert!],
    debug: true,
    log: (line) => log.push(line),
  });
  const vms = connection.systemService().vmsService();
  const lists = await Promise.all(Array.from({ length: 10 }, () => vms.list()));
  const loginsAfterLists = sim.loginCount;
  const first = await connection.authenticate();
  sim.revokeTokens();
  const afterRevoke = await vms.list();
  const second = await connection.authenticate();
  await connection.close();
  await using reuse = new Connection({ url, token: second, caCerts: [sim.caCert!] });
  const text = log.join("\n");
  return {
    vms: lists.map((list) => list.length),
    loginsAfterLists,
    vmsAfterRevoke: afterRevoke.length,
    loginsAfterRevoke: sim.loginCount,
    renewed: first !== second,
    tokenUsableAfterClose: await reuse.test(),
    negotiateLogins: log.filter((line) => /^> GET .*\/token-http-auth\?/.test(line)).length,
    authorizationLines: log.filter((line) => /^> authorization:/i.test(line)).length,
    secretInLog: text.includes(first) || text.includes(second) ||
      /Negotiate\s+[A-Za-z0-9+/=]{8,}/.test(text),
  };
};

/** What `authenticate()` rejects with for a Kerberos connection to `host`. */
const failure: Scenario = async (keytab, host) => {
  await using sim = await startSimulator({ tls: true, keytab, empty: true });
  await using connection = new Connection({
    url: sim.url.replace("127.0.0.1", host),
    kerberos: true,
    caCerts: [sim.caCert!],
  });
  try {
    const token = await connection.authenticate();
    return { token: token.length > 0 };
  } catch (error) {
    return { error: (error as Error).name, message: (error as Error).message };
  }
};

/** The simulator's `token-http-auth` answers, requested by hand. */
const endpoint: Scenario = async (keytab, host) => {
  await using sim = await startSimulator({ tls: true, keytab, empty: true });
  const client = Deno.createHttpClient({ caCerts: [sim.caCert!] });
  const base = `https://${host}:${new URL(sim.url).port}/ovirt-engine/sso/oauth/token-http-auth`;
  const grant = "grant_type=urn%3Aovirt%3Aparams%3Aoauth%3Agrant-type%3Ahttp&scope=ovirt-app-api";
  const ask = async (query: string, headers: Record<string, string>, body?: string) => {
    const response = await fetch(`${base}${query}`, {
      method: body === undefined ? "GET" : "POST",
      headers,
      body,
      client,
    });
    const text = await response.text();
    return {
      status: response.status,
      challenge: response.headers.get("WWW-Authenticate"),
      type: response.headers.get("Content-Type"),
      accessToken: text.includes('"access_token"'),
      error: /"error(?:_code)?":"([a-z_]+)"/.exec(text)?.[1],
    };
  };
  const json = { "Accept": "application/json" };
  const negotiate = async () => `Negotiate ${await negotiateToken(host)}`;
  const form = { "Content-Type": "application/x-www-form-urlencoded" };
  try {
    return {
      noAccept: await ask(`?${grant}`, { "Authorization": await negotiate() }),
      noNegotiate: await ask(`?${grant}`, json),
      badToken: await ask(`?${grant}`, { ...json, "Authorization": "Negotiate AAAA" }),
      wrongGrant: await ask("?grant_type=password&scope=ovirt-app-api", {
        ...json,
        "Authorization": await negotiate(),
      }),
      query: await ask(`?${grant}`, { ...json, "Authorization": await negotiate() }),
      form: await ask("", { ...json, ...form, "Authorization": await negotiate() }, grant),
      logins: sim.loginCount,
    };
  } finally {
    client.close();
  }
};

/** Without `--allow-ffi`: a password login works, a Kerberos login says what to add. */
const withoutFfi: Scenario = async () => {
  await using sim = await startSimulator({ empty: true });
  await using withPassword = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
  });
  const passwordWorks = await withPassword.test();
  await using kerberos = new Connection({ url: sim.url, kerberos: true });
  try {
    await kerberos.authenticate();
    return { passwordWorks, kerberos: "logged in" };
  } catch (error) {
    return { passwordWorks, error: (error as Error).name, message: (error as Error).message };
  }
};

const scenarios: Record<string, Scenario> = { login, failure, endpoint, withoutFfi };
const [name, keytab = "", host = "localhost"] = Deno.args;
console.log(JSON.stringify(await scenarios[name](keytab, host)));
