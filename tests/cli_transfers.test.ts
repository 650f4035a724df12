/**
 * `ovirt disk upload` / `download` (image transfers with the progress bar, one line per
 * tenth when stderr is not a terminal) and `ovirt events follow`, run as processes against
 * one simulator.
 */

import assert from "node:assert/strict";
import { CLI, cliBench, cliProcess, oneErrorLine } from "./cli_harness.ts";
import { qcow2 } from "./qcow2_image.ts";

const MIB = 1024 ** 2;

Deno.test("ovirt disk upload, download and events follow", async (t) => {
  await using bench = await cliBench();
  await using cli = cliProcess(); // the commands run one after the other in it
  const { home, connection, env } = bench;
  const image = crypto.getRandomValues(new Uint8Array(20 * MIB).subarray(0, 65536));
  const bytes = new Uint8Array(20 * MIB);
  for (let offset = 0; offset < bytes.length; offset += image.length) bytes.set(image, offset);
  bytes[12345] = 7;
  const file = `${home.path}/disk.raw`;
  await Deno.writeFile(file, bytes);

  await t.step("upload creates a disk, shows progress per tenth, prints the disk", async () => {
    const run = await cli.run(
      [
        "disk",
        "upload",
        file,
        "--storage-domain",
        "data",
        "--name",
        "cli-up",
        "--wait-interval",
        "20ms",
        "-o",
        "json",
      ],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    const disk = JSON.parse(run.stdout);
    assert.equal(disk.name, "cli-up");
    assert.equal(disk.provisionedSize, bytes.length);
    // Pieces finish in whatever order the parallel connections make: the lines only have to
    // climb, a tenth or more apart, to the whole size.
    const percents = run.stderr.trimEnd().split("\n").map((line) => {
      const match = /^Uploading cli-up (\d+)% \(([\d.]+) MiB\)$/.exec(line);
      assert.ok(match, `a progress line: ${line}`);
      return Number(match[1]);
    });
    assert.ok(percents.length >= 2, run.stderr);
    assert.equal(percents.at(-1), 100);
    assert.match(run.stderr, /Uploading cli-up 100% \(20\.0 MiB\)\n$/);
    percents.slice(1).forEach((percent, i) => assert.ok(percent - percents[i] >= 10, run.stderr));
  });

  await t.step("download gives back the same bytes", async () => {
    const out = `${home.path}/back.raw`;
    const run = await cli.run(["disk", "download", "cli-up", out, "--wait-interval", "20ms"], env);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await Deno.readFile(out), bytes);
    assert.match(run.stderr, /^Downloading cli-up 100% \(20\.0 MiB\)$/m);
  });

  /**
   * Runs `ovirt args...` as a process whose standard output and/or error nobody reads:
   * `stdout: "closed"` and `stderr: "closed"` are pipes closed at once (as `| head -c 10`
   * once head has gone, `2>&1 | head` for both), `"read"` pipes read to the end.
   */
  const withClosed = async (
    args: readonly string[],
    streams: { stdout: "closed" | "read"; stderr: "closed" | "read" },
    read = 0,
  ) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, ...args],
      env: { ...env, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const drain = async (stream: ReadableStream<Uint8Array>, how: "closed" | "read") => {
      if (how === "read") return await new Response(stream).text();
      if (read > 0) { // the reader takes `read` bytes and goes, as head -c does
        const reader = stream.getReader();
        for (let got = 0; got < read;) {
          const { value, done } = await reader.read();
          if (done) break;
          got += value.byteLength;
        }
        await reader.cancel();
      } else {
        await stream.cancel();
      }
      return "";
    };
    const [stdout, stderr, status] = await Promise.all([
      drain(child.stdout, streams.stdout),
      drain(child.stderr, streams.stderr),
      child.status,
    ]);
    return { code: status.code, stdout, stderr };
  };

  await t.step(
    "download to - | head -c 10: exit 0 without a word, the transfer cancelled",
    async () => {
      const transfers = connection.systemService().imageTransfersService();
      const before = new Set((await transfers.list()).map((transfer) => transfer.id));
      const run = await withClosed(
        ["disk", "download", "cli-up", "-", "--wait-interval", "20ms"],
        { stdout: "closed", stderr: "read" },
        10,
      );
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stderr, /ovirt:|Broken pipe/);
      const made = (await transfers.list()).filter((transfer) => !before.has(transfer.id));
      assert.equal(made.length, 1);
      assert.match(made[0].phase!, /^(cancelled_user|finished_failure)$/, "cancelled");
      const [disk] = await connection.systemService().disksService().list({
        search: "name=cli-up",
      });
      assert.equal(disk.status, "ok", "the disk is unlocked again");
    },
  );

  await t.step("a closed stderr stops the progress bar, not the transfer", async () => {
    const out = `${home.path}/quiet.raw`;
    const download = await withClosed(
      ["disk", "download", "cli-up", out, "--wait-interval", "20ms"],
      { stdout: "closed", stderr: "closed" }, // 2>&1 | head -c 30
    );
    assert.equal(download.code, 0);
    assert.deepEqual(await Deno.readFile(out), bytes);
    await Deno.remove(out);

    const upload = await withClosed(
      ["disk", "upload", file, "--storage-domain", "data", "--name", "cli-quiet", "-o", "json"],
      { stdout: "read", stderr: "closed" },
    );
    assert.equal(upload.code, 0);
    assert.equal(JSON.parse(upload.stdout).name, "cli-quiet");
    const [disk] = await connection.systemService().disksService().list({
      search: "name=cli-quiet",
    });
    assert.equal(disk?.provisionedSize, bytes.length, "the new disk stays");

    const both = await withClosed( // the disk it prints goes nowhere either: still exit 0
      ["disk", "upload", file, "--storage-domain", "data", "--name", "cli-unread"],
      { stdout: "closed", stderr: "closed" },
    );
    assert.equal(both.code, 0);
    const [unread] = await connection.systemService().disksService().list({
      search: "name=cli-unread",
    });
    assert.equal(unread?.status, "ok");
  });

  await t.step(
    "download refuses an existing file unless --overwrite; a failed one leaves it whole",
    async () => {
      const kept = `${home.path}/kept.raw`;
      const precious = new TextEncoder().encode("precious data\n");
      await Deno.writeFile(kept, precious, { mode: 0o640 });
      const files = () => [...Deno.readDirSync(home.path)].map((entry) => entry.name).sort();
      const before = files();
      bench.sim.setFaults({ locked: 1 }); // the engine refuses the transfer: 409
      try {
        const requests = bench.sim.requestCount;
        const refused = await cli.run(["disk", "download", "cli-up", kept], env);
        assert.deepEqual(await Deno.readFile(kept), precious, "the file is as it was");
        assert.equal(refused.code, 2, refused.stderr);
        assert.match(oneErrorLine(refused), /kept\.raw exists; give --overwrite to replace it/);
        assert.equal(bench.sim.requestCount, requests, "nothing was sent");

        const failed = await cli.run(
          ["disk", "download", "cli-up", kept, "--overwrite", "--wait-interval", "20ms"],
          env,
        );
        assert.equal(failed.code, 7, failed.stderr);
        assert.deepEqual(await Deno.readFile(kept), precious, "the file is as it was");
        assert.deepEqual(files(), before, "no partial file is left beside it");
      } finally {
        bench.sim.setFaults({ locked: 0 });
      }
      const replaced = await cli.run(
        ["disk", "download", "cli-up", kept, "--overwrite", "--wait-interval", "20ms"],
        env,
      );
      assert.equal(replaced.code, 0, replaced.stderr);
      assert.deepEqual(await Deno.readFile(kept), bytes);
      assert.equal((await Deno.stat(kept)).mode! & 0o777, 0o640, "the file keeps its mode");
      assert.deepEqual(files(), before);
    },
  );

  await t.step("upload --disk writes into an existing disk", async () => {
    const other = bytes.map((byte) => byte ^ 0xff);
    const otherFile = `${home.path}/other.raw`;
    await Deno.writeFile(otherFile, other);
    const run = await cli.run(
      ["disk", "upload", otherFile, "--disk", "cli-up", "--wait-interval", "20ms", "-o", "ids"],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    const out = `${home.path}/other-back.raw`;
    const back = await cli.run([
      "disk",
      "download",
      run.stdout.trim(),
      out,
      "--wait-interval",
      "20ms",
    ], env);
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual(await Deno.readFile(out), other);
  });

  await t.step("a qcow2 image is uploaded as a cow disk of its virtual size", async () => {
    const qcow = `${home.path}/small.qcow2`;
    await Deno.writeFile(qcow, qcow2({ size: 64 * MIB }));
    const run = await cli.run(
      ["disk", "upload", qcow, "--storage-domain", "data", "--wait-interval", "20ms", "-o", "json"],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    const disk = JSON.parse(run.stdout);
    assert.equal(disk.name, "small");
    assert.equal(disk.format, "cow");
    assert.equal(disk.provisionedSize, 64 * MIB);
  });

  await t.step(
    "--size makes a raw image's disk larger; a qcow2 image's stays its own",
    async () => {
      const raw = `${home.path}/grown.raw`;
      await Deno.writeFile(raw, bytes.subarray(0, MIB));
      const args = ["--storage-domain", "data", "--wait-interval", "20ms", "-o", "json"];
      const grown = await cli.run(["disk", "upload", raw, "--size", "8M", ...args], env);
      assert.equal(grown.code, 0, grown.stderr);
      assert.equal(JSON.parse(grown.stdout).provisionedSize, 8 * MIB);
      const qcow = `${home.path}/fixed.qcow2`;
      await Deno.writeFile(qcow, qcow2({ size: 64 * MIB }));
      const before = (await connection.systemService().disksService().list()).length;
      const refused = await cli.run(["disk", "upload", qcow, "--size", "128M", ...args], env);
      assert.equal(refused.code, 2, "refused before anything is sent");
      assert.match(oneErrorLine(refused), /the 67108864 bytes its header says/);
      assert.equal((await connection.systemService().disksService().list()).length, before);
    },
  );

  await t.step("an image that cannot go as it is is refused before anything is sent", async () => {
    const vmdk = `${home.path}/appliance.vmdk`;
    await Deno.writeFile(vmdk, new Uint8Array([0x4b, 0x44, 0x4d, 0x56, ...new Uint8Array(MIB)]));
    const compressed = `${home.path}/compressed.qcow2`;
    await Deno.writeFile(compressed, qcow2({ compressed: true }));
    const existing = (await connection.systemService().disksService().list())[0];
    for (
      const [file, reason] of [[vmdk, /it is a VMDK image/], [compressed, /compressed/]] as const
    ) {
      for (const target of [["--storage-domain", "data"], ["--disk", existing.id!]]) {
        const requests = bench.sim.requestCount;
        const run = await cli.run(["disk", "upload", file, ...target], env);
        assert.equal(run.code, 1, run.stderr);
        assert.match(oneErrorLine(run), reason);
        assert.equal(bench.sim.requestCount, requests, "nothing was sent");
      }
    }
  });

  await t.step("upload of a missing file or without a target: one line, exit 2", async () => {
    const missing = await cli.run([
      "disk",
      "upload",
      `${home.path}/nope.raw`,
      "--storage-domain",
      "data",
    ], env);
    assert.equal(missing.code, 2);
    oneErrorLine(missing);
    const nowhere = await cli.run(["disk", "upload", file], env);
    assert.equal(nowhere.code, 2);
    assert.match(oneErrorLine(nowhere), /--storage-domain/);
    const empty = `${home.path}/empty.raw`;
    await Deno.writeFile(empty, new Uint8Array());
    for (const [path, what] of [[home.path, "is not a file"], [empty, "is empty"]]) {
      const run = await cli.run(["disk", "upload", path, "--storage-domain", "data"], env);
      assert.equal(run.code, 2);
      assert.equal(oneErrorLine(run), `ovirt: ovirt disk upload: ${path} ${what}`);
    }
  });

  await t.step("events follow prints new events as they come, until SIGINT", async () => {
    const events = connection.systemService().eventsService();
    const [latest] = await events.list({ max: 1 });
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, "events", "follow", "--from", latest.id!, "--interval", "50ms"],
      env: { ...env, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    await events.add({
      description: "first from the test",
      severity: "warning",
      origin: "cli-test",
      customId: 1,
    });
    await events.add({
      description: "second from the test",
      severity: "normal",
      origin: "cli-test",
      customId: 2,
    });
    let seen = "";
    while (!seen.includes("second from the test")) {
      const { value, done } = await lines.read();
      if (done) break;
      seen += value;
    }
    child.kill("SIGINT");
    const status = await child.status;
    await lines.cancel();
    const errors = await new Response(child.stderr).text();
    const shown = seen.trimEnd().split("\n");
    const ids = shown.map((line) => Number(line.split(/\s+/)[2]));
    assert.deepEqual(ids, ids.toSorted((a, b) => a - b), "oldest first");
    assert.ok(ids[0] > Number(latest.id), "nothing older than --from");
    const ours = shown.filter((line) => line.includes("from the test"));
    assert.equal(ours.length, 2, seen + errors);
    assert.match(ours[0], /\bwarning\s+\d+\s+first from the test$/);
    assert.match(ours[1], /\bnormal\s+\d+\s+second from the test$/);
    assert.equal(status.code, 130, "Ctrl-C ends the follow, as it ends any command");
  });

  await t.step("events follow | head -1 ends at the next event after the reader left", async () => {
    const events = connection.systemService().eventsService();
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, "events", "follow", "--interval", "50ms"],
      env: { ...env, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const add = (description: string) =>
      events.add({ description, severity: "normal", origin: "cli-test", customId: 3 });
    let seen = "";
    const pump = (async () => {
      while (true) {
        const { value, done } = await lines.read();
        if (done) return;
        seen += value;
      }
    })();
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // The first poll finds the latest event; each one added after it is printed.
    for (let attempt = 0; !seen.includes("head reads this") && attempt < 100; attempt++) {
      await add("head reads this");
      await pause(200);
    }
    assert.match(seen, /head reads this/);
    await lines.cancel(); // head has its line and exits
    await pump;
    await add("nobody reads this");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ended = await Promise.race([
      child.status,
      new Promise<undefined>((resolve) => timer = setTimeout(() => resolve(undefined), 15_000)),
    ]);
    clearTimeout(timer);
    if (!ended) {
      child.kill("SIGKILL");
      await child.status;
    }
    const errors = await new Response(child.stderr).text();
    assert.ok(ended, "follow ended once its output had nowhere to go");
    assert.equal(ended.code, 0, errors);
    assert.equal(errors, "");
  });
});
