/**
 * `deno task sim`: runs an engine simulator (HTTPS, like an engine) until Ctrl-C and
 * prints where it listens, the credentials and the path of its CA certificate.
 *
 * Flags: `--plain` (HTTP instead of HTTPS), `--port N`, `--vms N`, `--empty`, `--delay MS`, `--seed N`,
 * `--password TEXT`, `--token-lifetime MS`, `--json` (print one JSON line instead of text,
 * for scripts), `--log` (one line per request on stderr).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { startSimulator } from "./mod.ts";

const { values: flags } = parseArgs({
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
    json: { type: "boolean", default: false },
    log: { type: "boolean", default: false },
  },
});

const started = performance.now();
const sim = await startSimulator({
  tls: !flags.plain,
  port: Number(flags.port),
  vms: Number(flags.vms),
  empty: flags.empty,
  delay: Number(flags.delay),
  seed: Number(flags.seed),
  password: flags.password,
  tokenLifetime: flags["token-lifetime"] === undefined
    ? undefined
    : Number(flags["token-lifetime"]),
  log: flags.log ? (line) => console.error(line) : undefined,
}).catch((error) => {
  if (!(error instanceof RangeError)) throw error;
  console.error(`simulator: ${error.message}`); // a flag's value it cannot take
  Deno.exit(2);
});
const startup = Math.round(performance.now() - started);

let caDir: string | undefined;
let caFile: string | undefined;
if (sim.caCert) {
  caDir = await Deno.makeTempDir({ prefix: "ovirt-sim-" });
  caFile = `${caDir}/ca.pem`;
  await Deno.writeTextFile(caFile, sim.caCert);
}

if (flags.json) {
  const { url, username, password } = sim;
  console.log(JSON.stringify({ url, username, password, caFile, pid: Deno.pid, startup }));
} else {
  console.log(`oVirt engine simulator ready in ${startup} ms`);
  console.log(`  URL:      ${sim.url}`);
  console.log(`  User:     ${sim.username}`);
  console.log(`  Password: ${sim.password}`);
  if (caFile) console.log(`  CA file:  ${caFile}`);
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
