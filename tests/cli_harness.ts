/**
 * Runs `ovirt` (cli/main.ts) as a separate process, the way a user's shell would, with an
 * environment of the test's choosing (a private HOME and XDG folders), and collects its exit
 * code, standard output and standard error.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import type { Connection } from "../mod.ts";
import type { Simulator } from "../testing/mod.ts";
import { simulatorSession } from "./sim_session.ts";

/** The entry point of the CLI. */
export const CLI = fileURLToPath(new URL("../cli/main.ts", import.meta.url));

/** What one run of the CLI did. */
export interface CliRun {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** A private home for the CLI's config and cache files, removed by `Symbol.asyncDispose`. */
export interface CliHome extends AsyncDisposable {
  /** The folder (HOME, with XDG_CONFIG_HOME and XDG_CACHE_HOME below it). */
  readonly path: string;
  /** Environment variables that point the CLI there. */
  readonly env: Record<string, string>;
}

/** Makes a private home folder. */
export async function cliHome(): Promise<CliHome> {
  const path = await Deno.makeTempDir({ prefix: "ovirt-cli-home-" });
  return {
    path,
    env: {
      HOME: path,
      XDG_CONFIG_HOME: `${path}/config`,
      XDG_CACHE_HOME: `${path}/cache`,
    },
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}

/** The variables that log the CLI in to `sim` with a password. */
export function simulatorEnv(sim: Simulator): Record<string, string> {
  return { OVIRT_URL: sim.url, OVIRT_USERNAME: sim.username, OVIRT_PASSWORD: sim.password };
}

/** The environment every run gets: no color, Deno's own cache kept. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1", PATH: Deno.env.get("PATH") ?? "" };
  const denoDir = Deno.env.get("DENO_DIR");
  if (denoDir) env.DENO_DIR = denoDir;
  else env.DENO_DIR = `${Deno.env.get("HOME")}/.cache/deno`;
  return env;
}

/**
 * Starts `ovirt args...` with `env` (and nothing else of this process's environment), its
 * standard output and error piped; standard input piped with `stdin`, else none.
 */
export function spawnOvirt(
  args: readonly string[],
  env: Record<string, string>,
  stdin: "piped" | "null" = "null",
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-read", "--allow-write", "--allow-env", CLI, ...args],
    env: { ...baseEnv(), ...env },
    clearEnv: true,
    stdin,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Runs `ovirt args...` with `env` (and nothing else of this process's environment). */
export async function ovirt(
  args: readonly string[],
  env: Record<string, string>,
  stdin?: string,
): Promise<CliRun> {
  const child = spawnOvirt(args, env, stdin === undefined ? "null" : "piped");
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/** A command line of {@link ovirtBatch}, with the variables it runs with. */
export interface BatchCase {
  /** The arguments of `ovirt`. */
  readonly args: readonly string[];
  /** Its environment (besides NO_COLOR, PATH and DENO_DIR), as `ovirt`'s. */
  readonly env: Record<string, string>;
}

/** One process that runs `ovirt` command lines one after the other; dispose of it to end it. */
export interface CliProcess extends AsyncDisposable {
  /**
   * Runs `ovirt args...` with `env` (and nothing else of the test's environment) and no
   * standard input, as {@link ovirt} does, after the commands asked for before it.
   */
  run(args: readonly string[], env: Record<string, string>): Promise<CliRun>;
}

const BATCH_CHILD = fileURLToPath(new URL("./cli_batch_child.ts", import.meta.url));

/**
 * Starts a {@link CliProcess} (cli_batch_child.ts: `main` of cli/main.ts, as `ovirt` runs
 * it): for the commands that read nothing but their arguments, variables and files, it loads
 * the CLI once instead of once per command.
 */
export function cliProcess(): CliProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-read", "--allow-write", "--allow-env", BATCH_CHILD],
    env: baseEnv(),
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit", // its own failures, if any: the commands' output comes on stdout
  }).spawn();
  const writer = child.stdin.getWriter();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  const nextLine = async (): Promise<string> => {
    for (let end = pending.indexOf("\n"); end < 0; end = pending.indexOf("\n")) {
      const { value, done } = await lines.read();
      if (done) throw new Error("The process running ovirt's commands ended");
      pending += value;
    }
    const end = pending.indexOf("\n");
    const line = pending.slice(0, end);
    pending = pending.slice(end + 1);
    return line;
  };
  let last: Promise<unknown> = Promise.resolve();
  return {
    run(args, env) {
      const result = last.catch(() => {}).then(async () => {
        await writer.write(new TextEncoder().encode(JSON.stringify({ args, env }) + "\n"));
        return JSON.parse(await nextLine()) as CliRun;
      });
      last = result;
      return result;
    },
    async [Symbol.asyncDispose]() {
      await last.catch(() => {});
      await writer.close();
      await lines.cancel();
      await child.status;
    },
  };
}

/**
 * Runs the command lines `cases` one after the other, in order, in one {@link CliProcess},
 * and resolves to what each did.
 */
export async function ovirtBatch(cases: readonly BatchCase[]): Promise<CliRun[]> {
  await using cli = cliProcess();
  const runs: CliRun[] = [];
  for (const { args, env } of cases) runs.push(await cli.run(args, env));
  return runs;
}

/** Checks that a failed run printed exactly one line on standard error, and returns it. */
export function oneErrorLine(run: CliRun): string {
  const lines = run.stderr.split("\n").filter((line) => line !== "");
  if (lines.length !== 1 || !lines[0].startsWith("ovirt: ")) {
    throw new Error(`expected one "ovirt: ..." line on stderr, got ${JSON.stringify(run.stderr)}`);
  }
  return lines[0];
}

/** A simulator, a private home, an SDK connection to check results, and the CLI's environment. */
export interface CliBench extends AsyncDisposable {
  /** The simulator the CLI talks to. */
  readonly sim: Simulator;
  /** The private home folder. */
  readonly home: CliHome;
  /** A connection of the test's own, to check what the CLI did. */
  readonly connection: Connection;
  /** The environment that logs the CLI in to the simulator. */
  readonly env: Record<string, string>;
}

/** Starts a simulator (no lifecycle delay) with a private home and a connection to it. */
export async function cliBench(): Promise<CliBench> {
  const session = await simulatorSession({ delay: 0 });
  const home = await cliHome();
  return {
    sim: session.sim,
    home,
    connection: session.connection,
    env: { ...home.env, ...simulatorEnv(session.sim) },
    async [Symbol.asyncDispose]() {
      await home[Symbol.asyncDispose]();
      await session[Symbol.asyncDispose]();
    },
  };
}

/** One API request that passed through a {@link Front}. */
export interface FrontRequest {
  /** HTTP method. */
  readonly method: string;
  /** Path below the server's root, with the query. */
  readonly path: string;
  /** The body as text ("" without one). */
  readonly body: string;
}

/**
 * A server of the test's between the CLI and a simulator: it forwards each request and
 * keeps what passed (the SSO's tokens, the API requests), or answers some with an error.
 */
export interface Front extends AsyncDisposable {
  /** Its API root URL, to give the CLI instead of the simulator's. */
  readonly url: string;
  /** The tokens the SSO gave through it, in order. */
  readonly tokens: string[];
  /** The API requests that passed, in order. */
  readonly requests: FrontRequest[];
  /** Status to answer API requests with instead of forwarding them; none: forward. */
  apiStatus?: number;
  /** Status to answer SSO logouts with instead of forwarding them; none: forward. */
  logoutStatus?: number;
}

/** Starts a {@link Front} for the plain-HTTP simulator `sim`. */
export function startFront(sim: Simulator): Front {
  const target = new URL(sim.url).origin;
  const front: Pick<Front, "tokens" | "requests" | "apiStatus" | "logoutStatus"> = {
    tokens: [],
    requests: [],
  };
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    async (request) => {
      const { pathname, search } = new URL(request.url);
      const api = pathname.startsWith("/ovirt-engine/api");
      if (api && front.apiStatus) {
        return new Response("Service Unavailable", { status: front.apiStatus });
      }
      if (pathname.endsWith("/sso-logout") && front.logoutStatus) {
        return new Response("Internal Server Error", { status: front.logoutStatus });
      }
      const headers = new Headers(request.headers);
      headers.delete("host");
      headers.delete("accept-encoding"); // answers pass through as they are
      const body = await request.text();
      if (api) front.requests.push({ method: request.method, path: pathname + search, body });
      const answer = await fetch(target + pathname + search, {
        method: request.method,
        headers,
        body: request.body ? body : undefined,
        redirect: "manual",
      });
      const text = await answer.text();
      if (pathname.endsWith("/sso/oauth/token") && answer.ok) {
        front.tokens.push(JSON.parse(text).access_token);
      }
      return new Response(text, { status: answer.status, headers: answer.headers });
    },
  );
  return Object.assign(front, {
    url: `http://127.0.0.1:${server.addr.port}/ovirt-engine/api`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  });
}

/** Runs `ovirt args...` with `env`, `bytes` on its standard input. */
export async function ovirtFed(
  args: readonly string[],
  env: Record<string, string>,
  bytes: Uint8Array,
): Promise<CliRun> {
  const child = spawnOvirt(args, env, "piped");
  const writer = child.stdin.getWriter();
  await writer.write(bytes);
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}
