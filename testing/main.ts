/**
 * `deno task sim`: runs an engine simulator (HTTPS, like an engine) until Ctrl-C and
 * prints where it listens, the credentials and the path of its CA certificate.
 *
 * `deno task sim --help` lists its flags; a flag it does not know, or a value it cannot take,
 * is said in one line on stderr (exit status 2), as is a port it cannot listen on (status 1).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { startSimulator } from "./mod.ts";

const USAGE = `Usage: deno task sim [flags]

Runs an oVirt engine simulator until Ctrl-C and prints its URL, user, password and CA file.

Flags:
  --plain               HTTP instead of HTTPS
  --port N              the port to listen on (default: any free one)
  --vms N               how many VMs it starts with (default 20)
  --empty               only what a fresh engine has (no hosts, storage, templates or VMs)
  --delay MS            how long one step of a status change takes (default 100; 0: at once)
  --seed N              the seed of its ids and injected faults (default 1)
  --password TEXT       the password of admin@internal (default: a random one)
  --token-lifetime MS   how long an SSO token lasts (default: for ever)
  --keytab FILE         accept Kerberos logins too, checked against this keytab (the key of
                        HTTP/localhost): connect to https://localhost:PORT (needs --allow-ffi,
                        which deno task sim grants)
  --json                one JSON line instead of text, for scripts
  --log                 one line per request on stderr
  -h, --help            this text`;

/** Says what is wrong with the command line, on stderr, and exits with status 2. */
function usageError(message: string): never {
  console.error(`simulator: ${message.replace(/\.$/, "")}; see --help`);
  Deno.exit(2);
}

/** The value of the flag `name` as a number; a usage error when it is not one. */
function numberFlag(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || Number.isNaN(value)) {
    usageError(`--${name} takes a number, not ${JSON.stringify(text)}`);
  }
  return value;
}

let flags;
try {
  ({ values: flags } = parseArgs({
    args: Deno.args,
    options: {
      plain: { type: "boolean", default: false },
      port: { type: "string", default: "0" },
      vms: { type: "string", default: "20" },
      empty: { type: "boolean", default: false },
      delay: { type: "string", default: "100" },
      seed: { type: "string", default: "1" },
      password: { type: "string" },
      "token-lifetime": { type: "string" },
      keytab: { type: "string" },
      json: { type: "boolean", default: false },
      log: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  }));
} catch (error) {
  usageError(error instanceof Error ? error.message.split("\n")[0] : String(error));
}
if (flags.help) {
  console.log(USAGE);
  Deno.exit(0);
}

const port = numberFlag("port", flags.port);
const started = performance.now();
const sim = await startSimulator({
  tls: !flags.plain,
  port,
  vms: numberFlag("vms", flags.vms),
  empty: flags.empty,
  delay: numberFlag("delay", flags.delay),
  seed: numberFlag("seed", flags.seed),
  password: flags.password,
  tokenLifetime: numberFlag("token-lifetime", flags["token-lifetime"]),
  keytab: flags.keytab,
  log: flags.log ? (line) => console.error(line) : undefined,
}).catch((error) => {
  if (error instanceof RangeError) usageError(error.message); // a flag's value it cannot take
  if (error instanceof Deno.errors.AddrInUse || error instanceof Deno.errors.PermissionDenied) {
    // The port is taken, or not ours to listen on: one line, as for any failure to start.
    const message = error instanceof Deno.errors.AddrInUse
      ? `port ${port} is in use`
      : `cannot listen on port ${port}: ${error.message}`;
    console.error(`simulator: ${message}`);
    Deno.exit(1);
  }
  // A keytab it cannot use, or no FFI to check it with: one line, saying what to change.
  if (flags.keytab !== undefined && error instanceof Error) {
    console.error(`simulator: ${error.message}`);
    Deno.exit(1);
  }
  throw error;
});
const startup = Math.round(performance.now() - started);

let caDir: string | undefined;
let caFile: string | undefined;
if (sim.caCert) {
  caDir = await Deno.makeTempDir({ prefix: "ovirt-sim-" });
  caFile = `${caDir}/ca.pem`;
  await Deno.writeTextFile(caFile, sim.caCert);
}

// The service principal is HTTP/localhost: Kerberos clients must name the host so.
const kerberosUrl = flags.keytab === undefined
  ? undefined
  : sim.url.replace("127.0.0.1", "localhost");

if (flags.json) {
  const { url, username, password } = sim;
  console.log(JSON.stringify({
    url,
    username,
    password,
    caFile,
    ...(kerberosUrl ? { kerberosUrl } : {}),
    pid: Deno.pid,
    startup,
  }));
} else {
  console.log(`oVirt engine simulator ready in ${startup} ms`);
  console.log(`  URL:      ${sim.url}`);
  console.log(`  User:     ${sim.username}`);
  console.log(`  Password: ${sim.password}`);
  if (caFile) console.log(`  CA file:  ${caFile}`);
  if (kerberosUrl) console.log(`  Kerberos: ${kerberosUrl} (keytab ${flags.keytab})`);
  console.log("Press Ctrl-C to stop.");
}

let stopping = false;
const stop = async () => {
  if (stopping) return; // a signal may arrive twice (from the task runner and the terminal)
  stopping = true;
  await sim.close();
  if (caDir) await Deno.remove(caDir, { recursive: true });
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
