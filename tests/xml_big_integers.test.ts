import "../types/register.ts";
import assert from "node:assert/strict";
import { OvirtError } from "../transport/errors.ts";
import { readXml, readXmlStream, streamList, toXml } from "../transport/xml/mod.ts";
import { bytes, splitEvery, streamOf } from "./xml_test_utils.ts";

type Obj = Record<string, unknown>;

/** Memory sizes on each side of the safe-integer limit, with the value each must read as. */
const CASES: readonly (readonly [string, number | bigint])[] = [
  ["9007199254740991", 9007199254740991],
  ["-9007199254740991", -9007199254740991],
  ["9007199254740992", 9007199254740992n],
  ["9007199254740993", 9007199254740993n],
  ["-9007199254740993", -9007199254740993n],
  ["18446744073709551615", 18446744073709551615n],
  ["123456789012345678901234567890", 123456789012345678901234567890n],
  ["0000000000000000000042", 42],
  [" +18446744073709551616\n", 18446744073709551616n],
];

/** A VM list whose `i`th VM has memory `CASES[i]`, in the layout engines write. */
function vmList(): string {
  const vms = CASES.map(([text], i) =>
    `  <vm href="/ovirt-engine/api/vms/${i}" id="${i}">\n    <name>vm${i}</name>\n` +
    `    <memory>${text}</memory>\n    <cpu><topology><cores>2</cores></topology></cpu>\n  </vm>\n`
  );
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<vms>\n${vms.join("")}</vms>\n`;
}

function expectedVms(): Obj[] {
  return CASES.map(([, memory], i) => ({
    href: `/ovirt-engine/api/vms/${i}`,
    id: `${i}`,
    name: `vm${i}`,
    memory,
    cpu: { topology: { cores: 2 } },
  }));
}

Deno.test("big integers: a whole document reads values beyond 2^53 exactly as bigint", () => {
  assert.deepEqual(readXml(vmList()).value, expectedVms());
  for (const [text, value] of CASES) {
    const vm = readXml(`<vm><memory>${text}</memory></vm>`).value as Obj;
    assert.equal(vm.memory, value, text);
    assert.equal(typeof vm.memory, typeof value, text);
  }
});

Deno.test("big integers: escaped and non-ASCII documents read them exactly too", () => {
  const vm = readXml(
    `<vm><name>caf\u00e9 &amp; bar</name><memory>&#x31;8446744073709551615</memory></vm>`,
  ).value as Obj;
  assert.equal(vm.memory, 18446744073709551615n);
  const cdata = readXml(`<vm><memory><![CDATA[9007199254740993]]></memory></vm>`).value as Obj;
  assert.equal(cdata.memory, 9007199254740993n);
});

Deno.test("big integers: a document read from a stream keeps them exact", async () => {
  const data = bytes(vmList());
  for (const size of [1, 7, 64, data.length]) {
    const document = await readXmlStream(streamOf(splitEvery(data, size)));
    assert.deepEqual(document.value, expectedVms(), `chunks of ${size}`);
  }
});

Deno.test("big integers: a streamed list yields them exact, item by item", async () => {
  const items: object[] = [];
  for await (const item of streamList(streamOf(splitEvery(bytes(vmList()), 5)))) items.push(item);
  assert.deepEqual(items, expectedVms());
});

Deno.test("big integers: the writer renders bigint exactly and they round-trip", () => {
  const vm = { name: "big", memory: 9223372036854775807n, cpu: { topology: { cores: 2 } } };
  const xml = toXml("vm", vm);
  assert.equal(
    xml,
    "<vm><name>big</name><memory>9223372036854775807</memory>" +
      "<cpu><topology><cores>2</cores></topology></cpu></vm>",
  );
  assert.deepEqual(readXml(xml).value, vm);
  for (const [, value] of CASES) {
    if (value > 2n ** 63n - 1n) continue; // beyond an xs:long: refused (xml_writer_int_range)
    assert.deepEqual(readXml(toXml("vm", { memory: value })).value, { memory: value });
  }
  assert.equal(
    toXml("vm", { memory: -(2n ** 63n) }),
    "<vm><memory>-9223372036854775808</memory></vm>",
  );
});

Deno.test("big integers: a bigint is refused where the model wants another kind", () => {
  assert.throws(() => toXml("vm", { name: 5n }), (error: unknown) => {
    assert.ok(error instanceof OvirtError);
    assert.match(error.message, /needs a string, got 5/);
    return true;
  });
});
