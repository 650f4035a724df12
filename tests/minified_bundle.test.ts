/**
 * Proofs that the SDK and the CLI work minified (`deno bundle --minify`), where every class
 * gets a short new name: `listStream` still knows its collection, errors keep their `name`,
 * and `ovirt vms list` lists.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Connection, listStream, NotFoundError, OvirtError, services } from "../mod.ts";
import { serviceRuntime } from "../transport/service.ts";
import { startSimulator } from "../testing/mod.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const DENO = Deno.execPath();
const ERROR_CLASSES = [
  "OvirtError",
  "AuthError",
  "ConflictError",
  "NotFoundError",
  "ConnectionError",
  "TimeoutError",
];

/** What a script using the SDK reports of itself, bundled and minified. */
const SCRIPT = `
import * as sdk from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
import { ExtentsTooLong } from ${
  JSON.stringify(new URL("../helpers/transfer/extents.ts", import.meta.url).href)
};
const connection = new sdk.Connection({
  url: Deno.env.get("OVIRT_URL"),
  username: Deno.env.get("OVIRT_USERNAME"),
  password: Deno.env.get("OVIRT_PASSWORD"),
});
const vms = connection.systemService().vmsService();
const streamed = [];
for await (const vm of sdk.listStream(vms)) streamed.push(vm.name);
let missing;
try {
  await vms.vmService("no-such-vm").get();
} catch (error) {
  missing = { name: error.name, text: String(error), notFound: error instanceof sdk.NotFoundError };
}
const names = ${JSON.stringify(ERROR_CLASSES)}.map((name) => new sdk[name]("x").name);
names.push(new ExtentsTooLong("x").name);
await connection.close();
console.log(JSON.stringify({ streamed, missing, names }));
`;

interface Ran {
  success: boolean;
  stdout: string;
  stderr: string;
}

async function deno(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const output = await new Deno.Command(DENO, {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
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

/** Why `deno bundle` cannot be used here, or `undefined` when it can. */
async function bundleUnavailable(): Promise<string | undefined> {
  try {
    const help = await deno(["bundle", "--help"]);
    return help.success && help.stdout.includes("--minify")
      ? undefined
      : "this Deno has no `deno bundle --minify`";
  } catch (error) {
    return `deno could not be run: ${error instanceof Error ? error.message : error}`;
  }
}

/** `entry` bundled and minified into `dir` as `file`; its path. */
async function minified(entry: string, dir: string, file: string): Promise<string> {
  const out = `${dir}/${file}`;
  const bundled = await deno(["bundle", "--minify", "-o", out, entry]);
  assert.ok(bundled.success, bundled.stderr);
  return out;
}

const unavailable = await bundleUnavailable();
if (unavailable) console.error(`minified_bundle.test.ts skipped: ${unavailable}`);

Deno.test({
  name: "a minified script streams a collection, and its errors keep their names",
  ignore: unavailable !== undefined,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "ovirt-minified-" });
    try {
      await Deno.writeTextFile(`${dir}/script.js`, SCRIPT);
      const script = await minified(`${dir}/script.js`, dir, "script.min.js");
      await using sim = await startSimulator({ delay: 0 });
      const ran = await deno(["run", "--no-config", "--allow-net", "--allow-env", script], {
        OVIRT_URL: sim.url,
        OVIRT_USERNAME: sim.username,
        OVIRT_PASSWORD: sim.password,
      });
      assert.ok(ran.success, ran.stderr);
      const report = JSON.parse(ran.stdout);
      assert.equal(report.streamed.length, 20);
      assert.equal(report.streamed[0], "vm001");
      assert.equal(report.missing.name, "NotFoundError");
      assert.equal(report.missing.notFound, true);
      assert.match(report.missing.text, /^NotFoundError: /);
      assert.deepEqual(report.names, [...ERROR_CLASSES, "ExtentsTooLong"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a minified ovirt lists the VMs",
  ignore: unavailable !== undefined,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "ovirt-minified-" });
    try {
      const cli = await minified("cli/main.ts", dir, "ovirt.min.js");
      await using sim = await startSimulator({ delay: 0 });
      const ran = await deno([
        "run",
        "--no-config",
        "--allow-net",
        "--allow-env",
        `--allow-read=${dir}`,
        `--allow-write=${dir}`,
        cli,
        "vms",
        "list",
        "-c",
        "name",
        "--no-headers",
      ], {
        OVIRT_URL: sim.url,
        OVIRT_USERNAME: sim.username,
        OVIRT_PASSWORD: sim.password,
        HOME: dir,
        XDG_CONFIG_HOME: `${dir}/config`,
        XDG_CACHE_HOME: `${dir}/cache`,
      });
      assert.ok(ran.success, ran.stderr);
      const names = ran.stdout.trimEnd().split("\n");
      assert.equal(names.length, 20);
      assert.equal(names[0], "vm001");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("a subclass of an SDK error that does not set errorName is named after itself", () => {
  class MissingDisk extends NotFoundError {}
  class Refusal extends OvirtError {}
  assert.equal(new MissingDisk("x").name, "MissingDisk");
  assert.equal(new Refusal("x").name, "Refusal");
  assert.equal(new NotFoundError("x").name, "NotFoundError");
});

Deno.test("listStream streams from a subclass of a collection service, and names what it refuses", async () => {
  await using sim = await startSimulator({ delay: 0 });
  await using connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
  });
  const vms = connection.systemService().vmsService();
  class LoggedVms extends services.VmsService {}
  const names: string[] = [];
  for await (const vm of listStream(new LoggedVms(serviceRuntime(vms), vms.path))) {
    names.push(vm.name!);
  }
  assert.equal(names.length, 20);
  const refused = (collection: unknown) => {
    try {
      listStream(collection as services.VmsService);
    } catch (error) {
      assert.ok(error instanceof OvirtError);
      return error.message;
    }
    assert.fail("listStream took it");
  };
  assert.equal(
    refused(vms.vmService("x")),
    "listStream: VmService is not a collection service with list()",
  );
  assert.equal(refused(null), "listStream: null is not a collection service with list()");
  assert.equal(refused({}), "listStream: an object is not a collection service with list()");
});
