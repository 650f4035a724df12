/**
 * Where `downloadImage` writes, over real HTTP against the simulator: with `overwrite`, an
 * existing file is kept as it is until the download is complete (then replaced, with its
 * permissions), and kept whole when the download fails or never starts; local file
 * failures (no such directory, a directory, not writable, no space) are `OvirtError`s that
 * name the file, checked before the engine is asked for anything.
 */

import assert from "node:assert/strict";
import { downloadImage, NotFoundError, OvirtError, types, uploadImage, waitFor } from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";

const MIB = 1024 * 1024;
const FAST = { pollInterval: 5, chunkSize: MIB };
const OLD = "yesterday's good backup";

/** A simulator with a disk of 4 MiB of data, and a directory of its own for the files. */
async function setup() {
  const session = await simulatorSession({ delay: 0 });
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-destination-" });
  const content = new Uint8Array(4 * MIB);
  for (let i = 0; i < content.length; i += 512) content[i] = ((i / 512) % 251) + 1;
  await Deno.writeFile(`${dir}/source.raw`, content);
  const { disk } = await uploadImage(session.connection, `${dir}/source.raw`, {
    ...FAST,
    storageDomain: "data",
  });
  await Deno.remove(`${dir}/source.raw`);
  return {
    ...session,
    dir,
    content,
    diskId: disk.id!,
    /** The names in the directory, sorted. */
    async names(): Promise<string[]> {
      return (await Array.fromAsync(Deno.readDir(dir))).map((entry) => entry.name).sort();
    },
    /** How many transfers the engine has. */
    async transfers(): Promise<number> {
      return (await session.connection.systemService().imageTransfersService().list()).length;
    },
    async [Symbol.asyncDispose]() {
      await Deno.chmod(dir, 0o755).catch(() => {});
      await Deno.remove(dir, { recursive: true });
      await session[Symbol.asyncDispose]();
    },
  };
}

/** Whether the file at `path` holds `bytes` (a boolean: a failed deepEqual would print MiBs). */
async function holds(path: string, bytes: Uint8Array): Promise<boolean> {
  const read = await Deno.readFile(path);
  return read.length === bytes.length && read.every((byte, i) => byte === bytes[i]);
}

/** Writes the old file at `path` with mode 0640. */
async function oldFile(path: string): Promise<void> {
  await Deno.writeTextFile(path, OLD);
  await Deno.chmod(path, 0o640);
}

Deno.test("downloadImage overwrite: a download that cannot start leaves the file as it was", async () => {
  await using t = await setup();
  const path = `${t.dir}/backup.raw`;
  await oldFile(path);
  await assert.rejects(
    downloadImage(t.connection, crypto.randomUUID(), path, { ...FAST, overwrite: true }),
    NotFoundError,
  );
  assert.equal(await Deno.readTextFile(path), OLD, "no such disk: the file is kept");
  const reason = new Error("the user changed their mind");
  const before = await t.transfers();
  await assert.rejects(
    downloadImage(t.connection, t.diskId, path, {
      ...FAST,
      overwrite: true,
      signal: AbortSignal.abort(reason),
    }),
    (error) => error === reason,
  );
  assert.equal(await Deno.readTextFile(path), OLD, "aborted before it began: the file is kept");
  assert.equal(await t.transfers(), before, "and no transfer was made");
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o640);
  assert.deepEqual(await t.names(), ["backup.raw"], "no temporary file is left behind");
});

Deno.test("downloadImage overwrite: a download that fails mid-way leaves the file as it was", async () => {
  await using t = await setup();
  const path = `${t.dir}/backup.raw`;
  await oldFile(path);
  t.sim.setTransferQuirks({ pauseAfterBytes: MIB, pauseReason: "the host went away" });
  await assert.rejects(
    downloadImage(t.connection, t.diskId, path, { ...FAST, connections: 1, overwrite: true }),
    (error) => error instanceof OvirtError && /the host went away/.test(error.message),
  );
  assert.equal(await Deno.readTextFile(path), OLD);
  assert.deepEqual(await t.names(), ["backup.raw"], "the partial download is removed");
});

Deno.test("downloadImage overwrite: the file is replaced once complete, with its permissions", async () => {
  await using t = await setup();
  const path = `${t.dir}/backup.raw`;
  await oldFile(path);
  const seen = new Set<string>();
  await downloadImage(t.connection, t.diskId, path, {
    ...FAST,
    connections: 1,
    overwrite: true,
    onProgress: () => {
      const now = Deno.readTextFileSync(path);
      seen.add(now === OLD ? "the old file" : `${now.length} other bytes`);
      for (const name of Deno.readDirSync(t.dir)) {
        if (name.name !== "backup.raw") {
          assert.match(name.name, /^\.backup\.raw\..+\.part$/, "beside it, hidden");
        }
      }
    },
  });
  assert.deepEqual([...seen], ["the old file"], "while bytes moved, the old file stayed");
  assert.ok(await holds(path, t.content), "then it holds the disk");
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o640, "its permissions are kept");
  assert.deepEqual(await t.names(), ["backup.raw"]);
});

Deno.test("downloadImage overwrite: a symbolic link stays a link, its file is replaced", async () => {
  await using t = await setup();
  await Deno.mkdir(`${t.dir}/store`);
  await oldFile(`${t.dir}/store/real.raw`);
  await Deno.symlink(`${t.dir}/store/real.raw`, `${t.dir}/link.raw`);
  await downloadImage(t.connection, t.diskId, `${t.dir}/link.raw`, { ...FAST, overwrite: true });
  assert.ok((await Deno.lstat(`${t.dir}/link.raw`)).isSymlink);
  assert.ok(await holds(`${t.dir}/store/real.raw`, t.content));
  assert.deepEqual(await t.names(), ["link.raw", "store"]);
});

Deno.test("downloadImage: local file failures name the file, before any transfer", async () => {
  await using t = await setup();
  await Deno.mkdir(`${t.dir}/adir`);
  await Deno.writeTextFile(`${t.dir}/afile`, "not a directory");
  const before = await t.transfers();
  const cases: [string, boolean, RegExp, (new (...args: never[]) => Error) | undefined][] = [
    ["nowhere/out.raw", false, /: cannot create it: /, Deno.errors.NotFound],
    ["afile/out.raw", false, /: cannot create it: /, Deno.errors.NotADirectory],
    ["adir", false, /: it is not a regular file$/, undefined],
    ["adir", true, /: it is not a regular file$/, undefined],
  ];
  for (const [name, overwrite, message, cause] of cases) {
    const path = `${t.dir}/${name}`;
    const error = await downloadImage(t.connection, t.diskId, path, { ...FAST, overwrite })
      .then(() => undefined, (error: unknown) => error);
    assert.ok(error instanceof OvirtError, `${name}: an OvirtError, not ${error}`);
    assert.ok(error.message.startsWith(`Cannot download into ${path}`), error.message);
    assert.match(error.message, message);
    if (cause) assert.ok(error.cause instanceof cause, `${name}: caused by ${error.cause}`);
  }
  assert.ok((await Deno.stat(`${t.dir}/adir`)).isDirectory, "the directory is untouched");
  assert.equal(await t.transfers(), before, "the engine was asked for nothing");
});

Deno.test({
  name: "downloadImage: a directory or file that cannot be written: an OvirtError naming it",
  // Root writes anywhere: the mode of a directory stops only other users.
  ignore: Deno.build.os === "windows" || Deno.uid() === 0,
  async fn() {
    await using t = await setup();
    await Deno.mkdir(`${t.dir}/locked`);
    await oldFile(`${t.dir}/locked/backup.raw`);
    await Deno.chmod(`${t.dir}/locked`, 0o555);
    try {
      // (A file the user may write there is written in place: the test below.)
      for (const [name, overwrite] of [["new.raw", false]] as const) {
        const path = `${t.dir}/locked/${name}`;
        const error = await downloadImage(t.connection, t.diskId, path, { ...FAST, overwrite })
          .then(() => undefined, (error: unknown) => error);
        assert.ok(error instanceof OvirtError, `${name}: an OvirtError, not ${error}`);
        assert.match(error.message, new RegExp(`^Cannot download into ${path}: cannot create`));
        assert.ok(error.cause instanceof Deno.errors.PermissionDenied, String(error.cause));
      }
      assert.equal(await Deno.readTextFile(`${t.dir}/locked/backup.raw`), OLD);
      // A file its user may not write is not replaced either, wherever it is.
      const path = `${t.dir}/read-only.raw`;
      await Deno.writeTextFile(path, OLD);
      await Deno.chmod(path, 0o444);
      const error = await downloadImage(t.connection, t.diskId, path, { ...FAST, overwrite: true })
        .then(() => undefined, (error: unknown) => error);
      assert.ok(error instanceof OvirtError, `an OvirtError, not ${error}`);
      assert.match(error.message, new RegExp(`^Cannot download into ${path}: cannot write it: `));
      assert.equal(await Deno.readTextFile(path), OLD);
    } finally {
      await Deno.chmod(`${t.dir}/locked`, 0o755);
    }
  },
});

Deno.test("downloadImage: a new file needs no overwrite and is removed if the download fails", async () => {
  await using t = await setup();
  const path = `${t.dir}/new.raw`;
  await downloadImage(t.connection, t.diskId, path, FAST);
  assert.ok(await holds(path, t.content));
  await Deno.remove(path);
  t.sim.setTransferQuirks({ stopAfterBytes: MIB });
  await assert.rejects(downloadImage(t.connection, t.diskId, path, { ...FAST, connections: 1 }));
  assert.deepEqual(await t.names(), []);
  const disk = t.connection.systemService().disksService().diskService(t.diskId);
  const unlocked = await waitFor(() => disk.get(), (d) => d.status !== types.DiskStatus.LOCKED, {
    interval: 5,
    timeout: 5000,
  });
  assert.equal(unlocked.status, types.DiskStatus.OK);
});

Deno.test({
  name: "downloadImage: overwrite in a folder the user may not write writes the file in place",
  // As another user where root runs the tests (root writes anywhere), through setpriv.
  ignore: Deno.build.os === "windows" || (Deno.uid() === 0 && !hasSetpriv()),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-ro-dir-" });
    try {
      const image = new Uint8Array(2 * MIB).map((_, i) => (i * 7) % 251);
      await Deno.writeFile(`${dir}/image.raw`, image, { mode: 0o644 });
      await Deno.mkdir(`${dir}/images`);
      await Deno.writeTextFile(`${dir}/images/vm.img`, OLD, { mode: 0o666 });
      const mod = new URL("../mod.ts", import.meta.url).href;
      const testing = new URL("../testing/mod.ts", import.meta.url).href;
      const script = `
        import { Connection, downloadImage, uploadImage } from "${mod}";
        import { startSimulator } from "${testing}";
        const sim = await startSimulator({ delay: 0 });
        const connection = new Connection({
          url: sim.url, username: sim.username, password: sim.password });
        const { disk } = await uploadImage(connection, "${dir}/image.raw",
          { storageDomain: "data", pollInterval: 10 });
        await downloadImage(connection, disk.id, "${dir}/images/vm.img",
          { overwrite: true, pollInterval: 10 });
        await connection.close();
        await sim.close();
      `;
      await Deno.writeTextFile(`${dir}/run.ts`, script, { mode: 0o644 });
      const asRoot = Deno.uid() === 0;
      if (asRoot) {
        await Deno.chown(`${dir}/images/vm.img`, 65534, 65534);
        await Deno.chmod(dir, 0o755);
      }
      await Deno.chmod(`${dir}/images`, 0o555); // the folder takes no new file
      const home = await Deno.makeTempDir({ prefix: "ovirt-sdk-nobody-" });
      if (asRoot) await Deno.chown(home, 65534, 65534);
      const deno = [Deno.execPath(), "run", "-A", `${dir}/run.ts`];
      const output = await new Deno.Command(asRoot ? "setpriv" : deno[0], {
        args: asRoot
          ? [
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "env",
            `HOME=${home}`,
            `DENO_DIR=${home}`,
            ...deno,
          ]
          : deno.slice(1),
        stdout: "piped",
        stderr: "piped",
      }).output().finally(() => Deno.remove(home, { recursive: true }));
      assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
      assert.deepEqual(await Deno.readFile(`${dir}/images/vm.img`), image);
      assert.deepEqual([...Deno.readDirSync(`${dir}/images`)].map((entry) => entry.name), [
        "vm.img",
      ], "no temporary file was left");
    } finally {
      await Deno.chmod(`${dir}/images`, 0o755).catch(() => {});
      await Deno.remove(dir, { recursive: true });
    }
  },
});

function hasSetpriv(): boolean {
  try {
    return new Deno.Command("setpriv", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}
