import assert from "node:assert/strict";

/** Runs the streaming child process and checks its report. */
async function streamInChild(mode: string): Promise<void> {
  // A child process, so that tests running in parallel do not disturb the measurement.
  const child = new URL("./xml_stream_memory_child.ts", import.meta.url);
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--v8-flags=--expose-gc", child.pathname, "100000", mode],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.ok(output.success, "child failed");
  const report = JSON.parse(new TextDecoder().decode(output.stdout));
  assert.equal(report.count, 100_000);
  assert.equal(report.kept, mode === "keep" ? 10_000 : 0);
  assert.ok(report.bytes > 65_000_000, `only ${report.bytes} bytes streamed`);
  const growth = report.peak - report.baseline;
  // The target is 64 MB; we measure about 35. The tighter bound catches regressions such as a
  // cache whose changing entries pinned old-generation pages (54 MiB).
  assert.ok(growth < 48 * 1024 * 1024, `RSS grew by ${(growth / 1048576).toFixed(1)} MiB`);
}

Deno.test("streamList: 100,000 events (~70 MB) stream with RSS under 48 MB above the start", () =>
  streamInChild("drop"));

Deno.test("streamList: values kept from every item do not keep the input alive", () =>
  streamInChild("keep"));
