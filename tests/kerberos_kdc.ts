/**
 * A throwaway MIT Kerberos realm for tests: database, principals and keytab in a temporary
 * folder, `krb5kdc` listening on a free loopback TCP port, and `kinit` into credential
 * caches of that folder. Nothing here changes this process's environment: the variables
 * the Kerberos tools need are handed to each child process.
 */

/** The realm the tests use. */
export const REALM = "OVIRT.TEST";
/** The user who logs in, and the password `kinit` sends. */
export const USER = "alice";
const USER_PASSWORD = "alice-kerberos-password";

/** Kerberos programs the tests run, with the Debian package that has each. */
const TOOLS = {
  krb5kdc: "krb5-kdc",
  kdb5_util: "krb5-kdc",
  "kadmin.local": "krb5-admin-server",
  kinit: "krb5-user",
  klist: "krb5-user",
} as const;

type Tool = keyof typeof TOOLS;

/** Where each tool is, or why the Kerberos tests cannot run (`missing`). */
export function findKerberosTools(): { paths: Record<Tool, string> } | { missing: string } {
  const folders = [...(Deno.env.get("PATH") ?? "").split(":"), "/usr/sbin", "/sbin"];
  const paths: Partial<Record<Tool, string>> = {};
  const missing = new Set<string>();
  for (const [tool, pkg] of Object.entries(TOOLS) as [Tool, string][]) {
    const path = folders.map((folder) => `${folder}/${tool}`).find(isFile);
    if (path) paths[tool] = path;
    else missing.add(pkg);
  }
  if (missing.size > 0) {
    return {
      missing: `the MIT Kerberos tools are not installed (Debian packages ${
        [...missing].join(", ")
      }; .ci/run installs them)`,
    };
  }
  return { paths: paths as Record<Tool, string> };
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** A running realm. Dispose of it to stop the KDC and delete its folder. */
export interface Kdc extends AsyncDisposable {
  /** The temporary folder with the database, configuration, keytab and caches. */
  readonly folder: string;
  /** The keytab with the key of `HTTP/localhost`, for the simulator. */
  readonly keytab: string;
  /** The environment a child process needs to use the realm with `cache`. */
  environment(cache: string): Record<string, string>;
  /** Logs `USER` in with `kinit` into the cache file `cache`, for `lifetime` (`"10h"`). */
  kinit(cache: string, lifetime?: string): Promise<void>;
  /** Whether `cache` holds a ticket-granting ticket that has not expired (`klist -s`). */
  hasValidTicket(cache: string): Promise<boolean>;
  /** Gives `HTTP/localhost` a new key, in a new keytab: `keytab` is out of date afterwards. */
  changeServiceKey(): Promise<string>;
  /** A client keytab with `USER`'s key (its password kept), for logins without `kinit`. */
  clientKeytab(): Promise<string>;
}

/** Creates the realm, its principals and the keytab, and starts its KDC. */
export async function startKdc(): Promise<Kdc> {
  const found = findKerberosTools();
  if ("missing" in found) throw new Error(`Cannot start a KDC: ${found.missing}`);
  const tools = found.paths;
  const folder = await Deno.makeTempDir({ prefix: "ovirt-sdk-kdc-" });
  const keytab = `${folder}/http.keytab`;
  const environment = {
    KRB5_CONFIG: `${folder}/krb5.conf`,
    KRB5_KDC_PROFILE: `${folder}/kdc.conf`,
  };
  const run = (tool: Tool, args: string[]) => runTool(tools[tool], args, environment);
  let kdc: Deno.ChildProcess | undefined;
  try {
    const port = freePort();
    await writeConfiguration(folder, port);
    await run("kdb5_util", ["create", "-s", "-r", REALM, "-P", crypto.randomUUID()]);
    await run("kadmin.local", ["-q", `addprinc -pw ${USER_PASSWORD} ${USER}`]);
    await run("kadmin.local", ["-q", "addprinc -randkey HTTP/localhost"]);
    await run("kadmin.local", ["-q", `ktadd -k ${keytab} HTTP/localhost`]);
    kdc = new Deno.Command(tools.krb5kdc, {
      args: ["-n", "-r", REALM],
      env: environment,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    await waitForKdc(kdc, port, folder);
  } catch (error) {
    await stop(kdc, folder);
    throw error;
  }
  const process = kdc;
  return {
    folder,
    keytab,
    environment: (cache) => ({
      KRB5_CONFIG: `${folder}/krb5.conf`,
      KRB5CCNAME: `FILE:${cache}`,
      KRB5RCACHEDIR: folder,
    }),
    async kinit(cache, lifetime = "10h") {
      await runTool(
        tools.kinit,
        ["-c", `FILE:${cache}`, "-l", lifetime, `${USER}@${REALM}`],
        { KRB5_CONFIG: `${folder}/krb5.conf` },
        `${USER_PASSWORD}\n`,
      );
    },
    async hasValidTicket(cache) {
      const { code } = await new Deno.Command(tools.klist, {
        args: ["-s", "-c", `FILE:${cache}`],
        env: { KRB5_CONFIG: `${folder}/krb5.conf` },
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).output();
      return code === 0;
    },
    async changeServiceKey() {
      const renewed = `${folder}/http-renewed.keytab`;
      await run("kadmin.local", ["-q", `ktadd -k ${renewed} HTTP/localhost`]);
      return renewed;
    },
    async clientKeytab() {
      const client = `${folder}/${USER}.keytab`;
      await run("kadmin.local", ["-q", `ktadd -norandkey -k ${client} ${USER}`]);
      return client;
    },
    [Symbol.asyncDispose]: () => stop(process, folder),
  };
}

/** A loopback TCP port nobody listens on right now. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** The client's `krb5.conf` (TCP only, no DNS) and the KDC's `kdc.conf` (TCP on `port`). */
async function writeConfiguration(folder: string, port: number): Promise<void> {
  await Deno.writeTextFile(
    `${folder}/krb5.conf`,
    `[libdefaults]
  default_realm = ${REALM}
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
  udp_preference_limit = 1
[realms]
  ${REALM} = {
    kdc = 127.0.0.1:${port}
  }
[domain_realm]
  localhost = ${REALM}
`,
  );
  await Deno.writeTextFile(
    `${folder}/kdc.conf`,
    `[kdcdefaults]
  kdc_listen = ""
  kdc_tcp_listen = 127.0.0.1:${port}
[realms]
  ${REALM} = {
    database_name = ${folder}/principal
    key_stash_file = ${folder}/stash
    acl_file = ${folder}/kadm5.acl
  }
[logging]
  kdc = FILE:${folder}/kdc.log
`,
  );
}

/** Runs a Kerberos tool to its end; rejects with its output when it fails. */
export async function runTool(
  path: string,
  args: string[],
  env: Record<string, string>,
  input?: string,
): Promise<void> {
  const child = new Deno.Command(path, {
    args,
    env,
    stdin: input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (input !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(input));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  if (code !== 0) {
    const output = new TextDecoder().decode(new Uint8Array([...stdout, ...stderr]));
    throw new Error(`${path} ${args[0]} failed (exit ${code}): ${output}`);
  }
}

/** Resolves once the KDC accepts TCP connections; rejects if it exits first. */
async function waitForKdc(kdc: Deno.ChildProcess, port: number, folder: string): Promise<void> {
  let exited = false;
  kdc.status.then(() => exited = true);
  for (let attempt = 0; attempt < 100 && !exited; attempt++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const log = await Deno.readTextFile(`${folder}/kdc.log`).catch(() => "");
  throw new Error(`The KDC did not start listening on port ${port}: ${log}`);
}

async function stop(kdc: Deno.ChildProcess | undefined, folder: string): Promise<void> {
  if (kdc) {
    try {
      kdc.kill("SIGTERM");
    } catch {
      // It already exited.
    }
    await kdc.status;
  }
  await Deno.remove(folder, { recursive: true });
}

/** A KCM daemon that takes connections and never answers, as a stuck `sssd-kcm` does. */
export interface SilentKcm extends AsyncDisposable {
  /** A `krb5.conf` of the realm whose `kcm_socket` is this daemon's. */
  readonly config: string;
  /** How many connections it has taken. */
  readonly connections: number;
}

/** Starts a {@link SilentKcm} in the folder of `kdc`. */
export async function silentKcm(kdc: Kdc): Promise<SilentKcm> {
  const socket = `${kdc.folder}/kcm.sock`;
  const listener = Deno.listen({ transport: "unix", path: socket });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const connection of listener) held.push(connection);
  })();
  const config = `${kdc.folder}/kcm.conf`;
  const base = await Deno.readTextFile(`${kdc.folder}/krb5.conf`);
  await Deno.writeTextFile(
    config,
    base.replace("[libdefaults]\n", `[libdefaults]\n  kcm_socket = ${socket}\n`),
  );
  return {
    config,
    get connections() {
      return held.length;
    },
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const connection of held) connection.close();
      await accepting.catch(() => {});
    },
  };
}
