/** The README's image transfer examples run as written against the simulator. */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { type Simulator, startSimulator } from "../testing/mod.ts";

const MIB = 1024 * 1024;

/** The TypeScript blocks of the README's "Image transfers" section, in order. */
async function sectionBlocks(): Promise<string[]> {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const section = readme.slice(readme.indexOf("## Image transfers"));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((block) => block[1]);
}

/**
 * Runs `code` in `dir` (which holds the simulator's `ca.pem`) as a script of its own against
 * `sim`: only what points at a real engine changes, the module and the URL. Resolves to its
 * standard output once it ended well.
 */
async function runAsWritten(sim: Simulator, dir: string, code: string): Promise<string> {
  await Deno.writeTextFile(`${dir}/ca.pem`, sim.caCert!);
  const script = code
    .replace('"jsr:@ovirt/sdk"', JSON.stringify(new URL("../mod.ts", import.meta.url).href))
    .replace('"https://engine.example.com/ovirt-engine/api"', JSON.stringify(sim.url));
  await Deno.writeTextFile(`${dir}/script.ts`, script);
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-check", "--allow-net", "--allow-read", "--allow-write", "--allow-env"]
      .concat(["script.ts"]),
    cwd: dir,
    env: { OVIRT_PASSWORD: sim.password, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  return new TextDecoder().decode(output.stdout);
}

Deno.test("README: the image transfer example runs as written", async () => {
  const [code] = await sectionBlocks();
  assert.ok(code, "the section has a TypeScript block");
  await using sim = await startSimulator({ tls: true, delay: 0 });
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-readme-transfer-" });
  try {
    const image = new Uint8Array(6 * MIB);
    image.fill(42, 2 * MIB, 3 * MIB);
    await Deno.writeFile(`${dir}/disk.raw`, image);
    const stdout = await runAsWritten(sim, dir, code);
    assert.match(stdout, /disk [0-9a-f-]+: 1048576 bytes sent, 5242880 zeroed/);
    assert.deepEqual(await Deno.readFile(`${dir}/copy.raw`), image);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("README: the onDisk and onTransfer example runs as written, after the section's first", async () => {
  const [first, told] = await sectionBlocks();
  assert.match(told ?? "", /onTransfer/, "the section's second block shows the callbacks");
  await using sim = await startSimulator({ tls: true, delay: 0 });
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-readme-callbacks-" });
  try {
    await Deno.writeFile(`${dir}/disk.raw`, new Uint8Array(MIB).fill(7));
    const stdout = await runAsWritten(sim, dir, first + told);
    await using connection = new Connection({
      url: sim.url,
      username: sim.username,
      password: sim.password,
      caCerts: [sim.caCert!],
    });
    const [disk] = await connection.systemService().disksService().list({ search: "name=noted" });
    assert.ok(disk, "the example made its disk");
    const transfers = await connection.systemService().imageTransfersService().list();
    const transfer = transfers.find((item) => item.disk?.id === disk.id);
    assert.ok(transfer, "and its transfer");
    assert.ok(
      stdout.includes(`made disk ${disk.id}\nopened image transfer ${transfer.id}\n`),
      stdout,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
