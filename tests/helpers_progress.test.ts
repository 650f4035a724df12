import assert from "node:assert/strict";
import { progressBar } from "../mod.ts";

function capture(terminal: boolean) {
  let text = "";
  const decoder = new TextDecoder();
  return {
    output: {
      isTerminal: () => terminal,
      writeSync: (bytes: Uint8Array) => {
        text += decoder.decode(bytes);
        return bytes.byteLength;
      },
    },
    text: () => text,
  };
}

const MIB = 1024 ** 2;

Deno.test("progressBar: the first update and a line per tenth when the output is not a terminal", () => {
  const sink = capture(false);
  const show = progressBar("Uploading", sink.output);
  for (let step = 1; step <= 40; step++) show({ transferred: step * MIB, total: 40 * MIB });
  const lines = sink.text().trimEnd().split("\n");
  assert.equal(lines.length, 11, "the first update, then 10%, 20%, ... 100%, each once");
  assert.equal(lines[0], "Uploading 2% (1.0 MiB)");
  assert.equal(lines[1], "Uploading 10% (4.0 MiB)");
  assert.equal(lines.at(-1), "Uploading 100% (40.0 MiB)");
});

Deno.test("progressBar: one line redrawn in place on a terminal, ended when complete", () => {
  const sink = capture(true);
  const show = progressBar("Downloading", sink.output);
  show({ transferred: MIB, total: 2 * MIB });
  show({ transferred: 2 * MIB, total: 2 * MIB });
  assert.equal(
    sink.text(),
    "\r\x1b[2KDownloading 50% (1.0 MiB)\r\x1b[2KDownloading 100% (2.0 MiB)\n",
  );
  const unknown = capture(true);
  progressBar("Downloading", unknown.output)({ transferred: MIB, total: Infinity });
  assert.equal(unknown.text(), "\r\x1b[2KDownloading 0% (1.0 MiB)", "no newline before the end");
});
