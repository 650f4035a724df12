/** The README's image transfer example runs as written against the simulator. */

import assert from "node:assert/strict";
import { startSimulator } from "../testing/mod.ts";

Deno.test("README: the image transfer example runs as written", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const section = readme.slice(readme.indexOf("## Image transfers"));
  const code = section.match(/```ts\n([\s\S]*?)```/)?.[1];
  assert.ok(code, "the section has a TypeScript block");
  await using sim = await startSimulator({ tls: true, delay: 0 });
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-readme-transfer-" });
  try {
    await Deno.writeTextFile(`${dir}/ca.pem`, sim.caCert!);
    const image = new Uint8Array(6 * 1024 * 1024);
    image.fill(42, 2 * 1024 * 1024, 3 * 1024 * 1024);
    await Deno.writeFile(`${dir}/disk.raw`, image);
    // Only what points at a real engine changes: the module and the URL.
    const script = code
      .replace('"jsr:@ovirt/sdk"', JSON.stringify(new URL("../mod.ts", import.meta.url).href))
      .replace('"https://engine.example.com/ovirt-engine/api"', JSON.stringify(sim.url));
    await Deno.writeTextFile(`${dir}/transfer.ts`, script);
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-check", "--allow-net", "--allow-read", "--allow-write", "--allow-env"]
        .concat(["transfer.ts"]),
      cwd: dir,
      env: { OVIRT_PASSWORD: sim.password, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    const stdout = new TextDecoder().decode(output.stdout);
    assert.match(stdout, /disk [0-9a-f-]+: 1048576 bytes sent, 5242880 zeroed/);
    assert.deepEqual(await Deno.readFile(`${dir}/copy.raw`), image);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
