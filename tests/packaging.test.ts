/**
 * Proofs that the package works as published: no dev-only package in the root import map
 * or in the module graph of an entry point; the files `deno publish --dry-run` lists,
 * served by a stand-in JSR registry on loopback, type-check and run for a consumer with an
 * empty cache and install the CLI; `deno bundle` makes the CLI, an example and a script
 * listing through the list worker single files that run alone.
 *
 * What Deno asks a JSR registry for (seen here with `JSR_URL` pointing at the stand-in):
 * `/@scope/name/meta.json` (the versions), `/@scope/name/<version>_meta.json` (the
 * `manifest` of files with sizes and `sha256-` checksums, and the `exports`), then each file
 * of the module graph under `/@scope/name/<version>/`; `deno install -g` also asks for the
 * package's `deno.lock`, which is not published.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Connection } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const DENO = Deno.execPath();
const ENTRY_POINTS = ["mod.ts", "testing/mod.ts", "cli/main.ts"];

interface Ran {
  success: boolean;
  stdout: string;
  stderr: string;
}

async function deno(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Ran> {
  const output = await new Deno.Command(DENO, {
    args,
    cwd: options.cwd ?? ROOT,
    env: { NO_COLOR: "1", ...options.env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    success: output.success,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** An empty folder with an empty Deno cache, as a new consumer's machine has. */
async function freshPlace(): Promise<
  { dir: string; env: Record<string, string> } & AsyncDisposable
> {
  const dir = await Deno.makeTempDir({ prefix: "ovirt-consumer-" });
  return {
    dir,
    env: {
      DENO_DIR: `${dir}/deno-dir`,
      HOME: dir,
      XDG_CONFIG_HOME: `${dir}/config`,
      XDG_CACHE_HOME: `${dir}/cache`,
      PATH: `${DENO.slice(0, DENO.lastIndexOf("/"))}:/usr/bin:/bin`,
    },
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("the root import map and the entry points' module graphs hold no dev-only package", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`));
  for (const [name, target] of Object.entries(config.imports ?? {})) {
    assert.ok(!/^(npm|jsr|https?):/.test(String(target)), `root import ${name} -> ${target}`);
  }
  for (const entry of ENTRY_POINTS) {
    const info = await deno(["info", "--json", entry]);
    assert.ok(info.success, info.stderr);
    const modules = JSON.parse(info.stdout).modules as { specifier: string }[];
    assert.ok(modules.length > 10);
    const foreign = modules.filter((module) => !/^(file|node):/.test(module.specifier));
    assert.deepEqual(
      foreign.map((module) => module.specifier),
      [],
      `${entry} loads only local files`,
    );
  }
});

/** The files `deno publish --dry-run` would upload, as paths starting with `/`. */
async function publishedFiles(): Promise<string[]> {
  const run = await deno(["publish", "--dry-run", "--allow-dirty", "--no-check"]);
  assert.ok(run.success, run.stderr);
  const prefix = `file://${ROOT}`;
  const files = [...run.stderr.matchAll(/^\s+(file:\/\/\S+) \(/gm)].map((match) => match[1]);
  assert.ok(files.length > 100 && files.every((file) => file.startsWith(prefix)));
  return files.map((file) => decodeURIComponent(file.slice(prefix.length)));
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** A JSR stand-in on loopback serving one version of the package; it logs every request. */
async function standInRegistry(files: string[]) {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`));
  const [scope, name] = (config.name as string).slice(1).split("/");
  const version = config.version as string;
  const contents = new Map<string, Uint8Array<ArrayBuffer>>();
  const manifest: Record<string, { size: number; checksum: string }> = {};
  for (const file of files) {
    const bytes = await Deno.readFile(`${ROOT}${file}`);
    contents.set(file, bytes);
    manifest[file] = { size: bytes.byteLength, checksum: `sha256-${await sha256(bytes)}` };
  }
  const base = `/@${scope}/${name}`;
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const path = new URL(request.url).pathname;
    requests.push(path);
    if (path === `${base}/meta.json`) {
      return Response.json({ scope, name, latest: version, versions: { [version]: {} } });
    }
    if (path === `${base}/${version}_meta.json`) {
      return Response.json({ manifest, exports: config.exports });
    }
    const file = path.startsWith(`${base}/${version}/`)
      ? path.slice(`${base}/${version}`.length)
      : "";
    const body = contents.get(file);
    return body ? new Response(body) : new Response("Not Found", { status: 404 });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    base,
    version,
    requests,
    files: new Set(files),
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

const CONSUMER = `import { Connection, type types } from "jsr:@ovirt/sdk";
import { startSimulator } from "jsr:@ovirt/sdk/testing";

await using sim = await startSimulator({ delay: 0 });
await using connection = new Connection({
  url: sim.url,
  username: sim.username,
  password: sim.password,
});
const vms: types.Vm[] = await connection.systemService().vmsService().list();
console.log(vms.length, vms[0].name);
`;

Deno.test("the published files, served by a stand-in JSR, work for a consumer and install the CLI", async () => {
  await using registry = await standInRegistry(await publishedFiles());
  await using place = await freshPlace();
  const env = { ...place.env, JSR_URL: registry.url };
  await Deno.writeTextFile(`${place.dir}/consumer.ts`, CONSUMER);

  const checked = await deno(["check", "consumer.ts"], { cwd: place.dir, env });
  assert.ok(checked.success, checked.stderr);
  const ran = await deno(["run", "--allow-net", "consumer.ts"], { cwd: place.dir, env });
  assert.ok(ran.success, ran.stderr);
  assert.equal(ran.stdout, "20 vm001\n");

  const installed = await deno(
    ["install", "-g", "-A", "-n", "ovirt", "--root", `${place.dir}/root`, "jsr:@ovirt/sdk/cli"],
    { cwd: place.dir, env },
  );
  assert.ok(installed.success, installed.stderr);
  await using sim = await startSimulator({ delay: 0 });
  await using connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
  });
  const ids = (await connection.systemService().vmsService().list()).map((vm) => `${vm.id}\n`);
  const output = await new Deno.Command(`${place.dir}/root/bin/ovirt`, {
    args: ["vms", "list", "-o", "ids"],
    cwd: place.dir,
    env: { ...env, OVIRT_URL: sim.url, OVIRT_USERNAME: sim.username, OVIRT_PASSWORD: sim.password },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  assert.equal(new TextDecoder().decode(output.stdout), ids.join(""));

  // What Deno asked the registry for: the two metadata documents and files of the manifest.
  const prefix = `${registry.base}/${registry.version}`;
  const metadata = new Set(registry.requests.filter((path) => !path.startsWith(`${prefix}/`)));
  assert.deepEqual([...metadata].sort(), [
    `${prefix}_meta.json`,
    `${registry.base}/meta.json`,
  ]);
  const fetched = registry.requests.filter((path) => path.startsWith(`${prefix}/`));
  const unpublished = fetched.filter((path) => !registry.files.has(path.slice(prefix.length)));
  // `deno install -g` also asks for the package's lockfile, which is not published (404):
  // the SDK has no dependency to lock, and the dev-only ones must not reach consumers.
  assert.deepEqual(unpublished, [`${prefix}/deno.lock`], "only files of the manifest");
  assert.ok(
    fetched.includes(`${prefix}/cli/main.ts`) && fetched.includes(`${prefix}/testing/mod.ts`),
  );
  const npm = await Array.fromAsync(Deno.readDir(`${place.env.DENO_DIR}/npm`)).catch(() => []);
  assert.deepEqual(npm.map((entry) => entry.name), [], "nothing came from npm");
});

Deno.test("deno bundle makes the CLI and scripts single files that run alone", async () => {
  await using place = await freshPlace();
  for (
    const [entry, file] of [
      ["cli/main.ts", "ovirt.js"],
      ["examples/list_vms.ts", "list_vms.js"],
      ["tests/list_worker_child.ts", "list_worker.js"],
    ]
  ) {
    const bundled = await deno(["bundle", entry, "-o", `${place.dir}/${file}`]);
    assert.ok(bundled.success, bundled.stderr);
    const info = await deno(["info", "--json", "--no-config", file], {
      cwd: place.dir,
      env: place.env,
    });
    assert.ok(info.success, info.stderr);
    const modules = JSON.parse(info.stdout).modules as { specifier: string }[];
    const files = modules.map((module) => module.specifier).filter((s) => !s.startsWith("node:"));
    assert.deepEqual(files, [`file://${place.dir}/${file}`], "one file, Node built-ins aside");
  }
  await using sim = await startSimulator({ delay: 0 });
  const env = {
    ...place.env,
    OVIRT_URL: sim.url,
    OVIRT_USERNAME: sim.username,
    OVIRT_PASSWORD: sim.password,
  };
  const permissions = [
    "--allow-net",
    "--allow-env",
    `--allow-read=${place.dir}`,
    `--allow-write=${place.dir}`,
  ];
  const cli = await deno([
    "run",
    "--no-config",
    ...permissions,
    "ovirt.js",
    "vms",
    "list",
    "-c",
    "name",
    "--no-headers",
  ], {
    cwd: place.dir,
    env,
  });
  assert.ok(cli.success, cli.stderr);
  const names = cli.stdout.trimEnd().split("\n");
  assert.equal(names.length, 20);
  assert.equal(names[0], "vm001");
  const example = await deno(["run", "--no-config", ...permissions, "list_vms.js"], {
    cwd: place.dir,
    env,
  });
  assert.ok(example.success, example.stderr);
  assert.match(example.stdout, /^vm001: up, 2048 MiB$/m);
  // Lists long enough for the list worker, whose code is the source text of a function.
  await using many = await startSimulator({ delay: 0, vms: 800 });
  const listing = await deno(
    ["run", "--no-config", "--allow-net", "list_worker.js", many.url, many.username, many.password],
    { cwd: place.dir, env: place.env },
  );
  assert.ok(listing.success, listing.stderr);
  assert.deepEqual(JSON.parse(listing.stdout).same, true);
});
