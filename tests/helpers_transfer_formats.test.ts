/**
 * What the transfer helpers learn from local files: image headers (`probeImage`, with
 * hand-made qcow2 headers, and real `qemu-img` images when it is installed) and where a
 * file's holes are (`mapFile` by `lseek` through FFI, `qemu-img map`, or no map at all).
 * Also: a network error of the image client never shows the ticket.
 */

import assert from "node:assert/strict";
import { ConnectionError, OvirtError, probeImage, types, uploadImage } from "../mod.ts";
import { mapFile } from "../helpers/transfer/holes.ts";
import { ImageioClient } from "../helpers/transfer/imageio.ts";
import { simulatorSession } from "./sim_session.ts";
import { CLOSED_PORT } from "./closed_port.ts";
import { CLUSTER, qcow2 } from "./qcow2_image.ts";

const MIB = 1024 * 1024;
async function withFile<T>(bytes: Uint8Array, run: (path: string) => Promise<T>): Promise<T> {
  const path = await Deno.makeTempFile({ prefix: "ovirt-sdk-format-" });
  try {
    await Deno.writeFile(path, bytes);
    return await run(path);
  } finally {
    await Deno.remove(path);
  }
}

async function refusal(bytes: Uint8Array): Promise<string> {
  return await withFile(bytes, async (path) => {
    const error = await probeImage(path).then(() => undefined, (error) => error);
    assert.ok(error instanceof OvirtError, `refused with an OvirtError: ${error}`);
    return error.message;
  });
}

Deno.test("probeImage: a qcow2 header gives format, version and virtual size", async () => {
  const info = await withFile(qcow2({ size: 10 * 1024 ** 3 }), probeImage);
  assert.deepEqual(info, {
    format: types.DiskFormat.COW,
    virtualSize: 10 * 1024 ** 3,
    fileSize: 4 * CLUSTER,
    qcowVersion: 3,
    iso: false,
  });
  assert.equal((await withFile(qcow2({ version: 2 }), probeImage)).qcowVersion, 2);
});

Deno.test("probeImage: qcow2 images that cannot be sent as they are, each with its reason", async () => {
  assert.match(await refusal(qcow2({ compressed: true })), /compressed clusters/);
  assert.match(await refusal(qcow2({ crypt: 2 })), /encrypted/);
  assert.match(await refusal(qcow2({ backing: "base.qcow2" })), /backing file \(base\.qcow2\)/);
  assert.match(await refusal(qcow2({ incompatible: 1n })), /dirty/);
  assert.match(await refusal(qcow2({ incompatible: 2n })), /corrupt/);
  assert.match(await refusal(qcow2({ incompatible: 4n })), /external data file/);
  assert.match(await refusal(qcow2({ version: 1 })), /qcow version 1/);
});

Deno.test("probeImage: compression is found in extended L2 entries too", async () => {
  const bytes = qcow2({ incompatible: 16n });
  const view = new DataView(bytes.buffer);
  view.setBigUint64(2 * CLUSTER + 16 * 3, (1n << 62n) | 1n); // the 4th 16-byte entry
  assert.match(await refusal(bytes), /compressed clusters/);
});

Deno.test("probeImage: a corrupt qcow2 header is refused as corrupt, whatever its numbers", async () => {
  const corrupt = (change: (view: DataView) => void) => {
    const bytes = qcow2();
    change(new DataView(bytes.buffer));
    return bytes;
  };
  const cases: [string, Uint8Array][] = [
    ["an L1 table of 2^32 - 1 entries", corrupt((view) => view.setUint32(36, 0xffffffff))],
    ["an L1 table past 2^53", corrupt((view) => view.setBigUint64(40, 1n << 60n))],
    ["an L1 table past the end", corrupt((view) => view.setBigUint64(40, BigInt(4 * CLUSTER - 4)))],
    ["an L2 table past 2^53", corrupt((view) => view.setBigUint64(CLUSTER, (1n << 55n) - 512n))],
    ["an L2 table past the end", corrupt((view) => view.setBigUint64(CLUSTER, 1n << 40n))],
    ["a backing file name past 2^53", corrupt((view) => view.setBigUint64(8, 1n << 62n))],
    ["a virtual size past 2^53", corrupt((view) => view.setBigUint64(24, 1n << 63n))],
  ];
  for (const [what, bytes] of cases) {
    assert.match(await refusal(bytes), /corrupt|backing file/, what);
  }
  // A backing file name of no length, or of control characters only: no empty "()".
  for (const name of ["", "\u0000\u0001\u001b"]) {
    const bytes = corrupt((view) => view.setBigUint64(8, 112n));
    new DataView(bytes.buffer).setUint32(16, name.length);
    bytes.set(new TextEncoder().encode(name), 112);
    assert.match(await refusal(bytes), /it has a backing file; upload/, JSON.stringify(name));
  }
});

Deno.test("probeImage: other formats are named, raw and ISO images recognized", async () => {
  const text = (start: string, size = 1024) => {
    const bytes = new Uint8Array(size);
    bytes.set(new TextEncoder().encode(start));
    return bytes;
  };
  assert.match(await refusal(text("KDMV")), /VMDK/);
  assert.match(await refusal(text("# Disk DescriptorFile")), /VMDK/);
  assert.match(await refusal(text("vhdxfile")), /VHDX/);
  assert.match(await refusal(text("conectix")), /VHD image/);
  const vdi = new Uint8Array(1024);
  new DataView(vdi.buffer).setUint32(64, 0xbeda107f, true);
  assert.match(await refusal(vdi), /VDI/);
  const raw = await withFile(new Uint8Array(5000).fill(9), probeImage);
  assert.deepEqual(raw, { format: "raw", virtualSize: 5000, fileSize: 5000, iso: false });
  const iso = new Uint8Array(0x9000);
  iso.set(new TextEncoder().encode("CD001"), 0x8001);
  assert.equal((await withFile(iso, probeImage)).iso, true);
});

/**
 * Runs `qemu-img args`; false when it is not installed. Making a LUKS-encrypted image, it
 * times its key derivation first, and on a loaded machine that timing now and then fails
 * ("Unable to get accurate CPU usage"): that one failure is tried again, a few times.
 */
async function qemuImg(...args: string[]): Promise<boolean> {
  for (let attempt = 1;; attempt++) {
    try {
      const output = await new Deno.Command("qemu-img", { args, stdout: "null", stderr: "piped" })
        .output();
      if (output.success) return true;
      const message = new TextDecoder().decode(output.stderr);
      if (!message.includes("Unable to get accurate CPU usage") || attempt === 5) {
        throw new Error(message);
      }
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
  }
}

Deno.test("probeImage and uploadImage with real qemu-img images (skipped without qemu-img)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-qemu-" });
  try {
    const raw = `${dir}/disk.raw`;
    const bytes = new Uint8Array(3 * MIB).map((_, i) => (i * 7) & 0xff);
    await Deno.writeFile(raw, bytes);
    if (!(await qemuImg("convert", "-f", "raw", "-O", "qcow2", raw, `${dir}/plain.qcow2`))) {
      console.log("qemu-img is not installed: skipped (apt-get install qemu-utils)");
      return;
    }
    await qemuImg("convert", "-c", "-f", "raw", "-O", "qcow2", raw, `${dir}/compressed.qcow2`);
    await qemuImg(
      "create",
      "-f",
      "qcow2",
      "-b",
      "plain.qcow2",
      "-F",
      "qcow2",
      `${dir}/overlay.qcow2`,
    );
    await qemuImg(
      "create",
      "-f",
      "qcow2",
      "--object",
      "secret,id=sec0,data=not-a-real-secret",
      "-o",
      "encrypt.format=luks,encrypt.key-secret=sec0,encrypt.iter-time=10",
      `${dir}/encrypted.qcow2`,
      "1M",
    );
    const plain = await probeImage(`${dir}/plain.qcow2`);
    assert.equal(plain.format, types.DiskFormat.COW);
    assert.equal(plain.virtualSize, 3 * MIB);
    const reason = async (name: string) =>
      await probeImage(`${dir}/${name}`).then(() => "accepted", (error) => error.message);
    assert.match(await reason("compressed.qcow2"), /compressed clusters/);
    assert.match(await reason("overlay.qcow2"), /backing file \(plain\.qcow2\)/);
    assert.match(await reason("encrypted.qcow2"), /encrypted/);

    await using session = await simulatorSession({ delay: 0 });
    const { connection } = session;
    const { disk, transfer } = await uploadImage(connection, `${dir}/plain.qcow2`, {
      storageDomain: "data",
      pollInterval: 5,
    });
    assert.equal(disk.name, "plain");
    assert.equal(disk.format, types.DiskFormat.COW);
    assert.equal(disk.provisionedSize, 3 * MIB);
    assert.equal(disk.initialSize, plain.fileSize, "block storage gets room for the whole file");
    assert.equal(transfer.format, types.DiskFormat.COW, "the qcow2 bytes go as they are");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A sparse 8 MiB file with 64 KiB of data at 3 MiB. */
async function sparse(): Promise<string> {
  const path = await Deno.makeTempFile({ prefix: "ovirt-sdk-holes-" });
  using file = await Deno.open(path, { write: true });
  await file.truncate(8 * MIB);
  await file.seek(3 * MIB, Deno.SeekMode.Start);
  await file.write(new Uint8Array(65536).fill(1));
  return path;
}

Deno.test("mapFile: lseek finds the holes through FFI (granted to the tests)", async () => {
  const path = await sparse();
  try {
    const map = await mapFile(path, 8 * MIB, { methods: ["seek"] });
    assert.equal(map.method, "seek");
    assert.deepEqual(map.extents, [
      { start: 0, length: 3 * MIB, zero: true },
      { start: 3 * MIB, length: 65536, zero: false },
      { start: 3 * MIB + 65536, length: 5 * MIB - 65536, zero: true },
    ]);
    const none = await mapFile(path, 8 * MIB, { methods: [] });
    assert.deepEqual(none, {
      method: "scan",
      extents: [{ start: 0, length: 8 * MIB, zero: false }],
    });
    if (await qemuImg("--version")) {
      const byQemu = await mapFile(path, 8 * MIB, { methods: ["qemu-img"] });
      assert.deepEqual(byQemu, { ...map, method: "qemu-img" });
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("mapFile without --allow-ffi: no FFI at all, qemu-img or a scan instead", async () => {
  const path = await sparse();
  const holes = new URL("../helpers/transfer/holes.ts", import.meta.url).href;
  const script = `import { mapFile } from "${holes}";
    console.log((await mapFile(${JSON.stringify(path)}, ${8 * MIB})).method);`;
  try {
    const file = `${path}.ts`;
    await Deno.writeTextFile(file, script);
    try {
      const limited = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--no-check", "--allow-read", "--allow-run=qemu-img", file],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(limited.success, new TextDecoder().decode(limited.stderr));
      const method = new TextDecoder().decode(limited.stdout).trim();
      assert.ok(method === "qemu-img" || method === "scan", `used ${method}`);
    } finally {
      await Deno.remove(file);
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("an image server that cannot be reached: the error never shows the ticket", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const client = new ImageioClient(
    connection,
    `http://127.0.0.1:${CLOSED_PORT}/images/SECRET-TICKET`,
  );
  const error = await client.options().then(() => undefined, (error) => error);
  assert.ok(error instanceof ConnectionError, String(error));
  assert.ok(!error.message.includes("SECRET-TICKET"), error.message);
  assert.ok(!String(error.cause ?? "").includes("SECRET-TICKET"));
});

Deno.test("an image server that names the ticket in its refusal: the error never shows it", async () => {
  await using session = await simulatorSession({ delay: 0 });
  // As ovirt-imageio answers a ticket it does not know: 403 "No such ticket <id>".
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const ticket = new URL(request.url).pathname.split("/").pop();
    return new Response(`No such ticket ${ticket} (path ${new URL(request.url).pathname})`, {
      status: 403,
    });
  });
  const client = new ImageioClient(
    session.connection,
    `http://127.0.0.1:${server.addr.port}/images/SECRET-TICKET`,
  );
  for (const call of [() => client.options(), () => client.extents()]) {
    const error = await call().then(() => undefined, (error) => error);
    assert.ok(error instanceof OvirtError, String(error));
    assert.equal(error.code, 403);
    assert.ok(!error.message.includes("SECRET-TICKET"), error.message);
    assert.match(error.message, /No such ticket/, "the server's reason stays");
  }
});
