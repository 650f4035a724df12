import assert from "node:assert/strict";
import { fuzzReader, mutateBytes } from "../bench/xml_fuzz.ts";
import { seededRandom } from "./xml_test_utils.ts";

Deno.test("fuzz: 100,000 mutated and truncated documents give the token oracle's objects or error", async () => {
  const seed = Number(Deno.env.get("XML_FUZZ_SEED") ?? 1);
  // fuzzReader throws at the first read that is neither objects nor an OvirtError, or that
  // the oracle (streamed: the whole read) reads otherwise.
  const report = await fuzzReader(100_000, seed);
  assert.equal(report.documents, 100_000);
  assert.equal(report.read + report.refused, 100_000);
  // Both outcomes are exercised: the mutations are neither all harmless nor all fatal.
  assert.ok(report.read > 5_000, `read: ${report.read}`);
  assert.ok(report.refused > 50_000, `refused: ${report.refused}`);
  // The one known difference stays rare: a later error named after invalid UTF-8.
  assert.ok(report.laterErrors < report.refused / 100, `later errors: ${report.laterErrors}`);
  assert.equal(report.streamed, 2_000);
});

Deno.test("fuzz: mutations are seeded and change the document", () => {
  const data = new TextEncoder().encode("<vm><name>a</name></vm>");
  const first = mutateBytes(data, seededRandom(3)), again = mutateBytes(data, seededRandom(3));
  assert.deepEqual(first, again);
  let changed = 0;
  const random = seededRandom(4);
  for (let n = 0; n < 100; n++) if (mutateBytes(data, random).join() !== data.join()) changed++;
  assert.ok(changed > 90, `${changed} of 100 changed`);
});
