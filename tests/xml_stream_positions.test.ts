import assert from "node:assert/strict";
import "../types/register.ts";
import { readXmlStream } from "../transport/xml/read_xml.ts";
import { readByTokens } from "./xml_token_oracle.ts";
import { bytes, splitEvery, streamOf } from "./xml_test_utils.ts";

/** The reference: `data` read by tokens alone, which count every line and column. */
function byTokens(data: Uint8Array): void {
  const outcome = readByTokens([data]);
  if ("error" in outcome) throw new Error(outcome.error);
}

/** The error message of `read`, which must fail. */
async function failure(read: () => unknown): Promise<string> {
  try {
    await read();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("no error");
}

Deno.test("readXmlStream: a document on one line keeps exact columns after items read whole", async () => {
  const items = [
    `<vm id="1"><name>a</name></vm>`,
    `<vm id="2"><name>\u00e9t\u00e9</name><description>caf\u00e9</description></vm>`,
    ` <vm id="3" href="/vms/3"><cluster href="/c/1" id="1"/><name>\u00e9</name></vm>`,
  ];
  const errors = [
    `<vm id="8"><name>x</nam></vm>`,
    `<vm id="9"><name>\u00e9x &bogus;</name></vm>`,
    `<vm id="10"><name b="1" b="2"/></vm>`,
    ` \u00e9\u00e9 <vm><name>a</name></vmx>`,
  ];
  for (const error of errors) {
    const data = bytes(`<vms>${items.join("").repeat(40)}${error}</vms>`);
    const expected = await failure(() => byTokens(data));
    assert.match(expected, /line 1, column \d+/);
    for (const size of [7, 100, 1000]) {
      const streamed = await failure(() => readXmlStream(streamOf(splitEvery(data, size))));
      assert.equal(streamed, expected, `${error} in ${size}-byte chunks`);
    }
  }
});

Deno.test("readXmlStream: columns stay exact after items whose last line is short and not ASCII", async () => {
  // Each item ends on a line of a few characters, some of two bytes: the span after its last
  // line feed is counted character by character. The same document with each "\u00e9" an
  // "e" has the same characters where they were, all of one byte: its positions are the
  // reference.
  const items = [
    `<vm id="1">\n<name>\u00e9t\u00e9</name></vm>`,
    `<vm id="2">\n  <description>caf\u00e9</description>\n\u00e9<name>a</name></vm>`,
  ];
  const errors = [`<vm><name>x</nam></vm>`, `\u00e9 <vm><name b="1" b="2"/></vm>`];
  for (const error of errors) {
    const text = `<vms>\n${items.join("").repeat(40)}${error}</vms>`;
    const expected = await failure(() => byTokens(bytes(text.replaceAll("\u00e9", "e"))));
    assert.match(expected, /line \d+, column \d+/);
    for (const size of [5, 64, 1000]) {
      const data = splitEvery(bytes(text), size);
      const streamed = await failure(() => readXmlStream(streamOf(data)));
      assert.equal(streamed, expected, `${error} in ${size}-byte chunks`);
    }
  }
});
