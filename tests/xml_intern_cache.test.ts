import assert from "node:assert/strict";
import { hashBytes, InternCache, pathTail } from "../transport/xml/intern_cache.ts";
import { bytes } from "./xml_test_utils.ts";

function intern(cache: InternCache, text: string): string | undefined {
  const data = bytes(`<${text}>`);
  return cache.intern(data, 1, data.length - 1, hashBytes(data, 1, data.length - 1));
}

Deno.test("intern cache: the same bytes give the same string, decoded once", () => {
  const cache = new InternCache(16, { keepKeys: true });
  const first = intern(cache, "caf\u00e9");
  assert.equal(first, "caf\u00e9");
  assert.deepEqual([...cache.lastKey], [...bytes("caf\u00e9")]);
  const data = bytes("xcaf\u00e9");
  assert.equal(cache.find(data, 1, data.length, hashBytes(data, 1, data.length)), first);
  assert.equal(intern(cache, "a".repeat(17)), "a".repeat(17)); // too long: decoded, not kept
  const long = bytes("a".repeat(17));
  assert.equal(cache.find(long, 0, long.length, hashBytes(long, 0, long.length)), undefined);
});

Deno.test("intern cache: with secondSighting, a value is kept only once seen twice", () => {
  const cache = new InternCache(64, { secondSighting: true, slots: 16 });
  const data = bytes("/ovirt-engine/api/clusters/123");
  const hash = hashBytes(data, 0, data.length);
  assert.equal(cache.find(data, 0, data.length, hash), undefined);
  cache.remember(data, 0, data.length, hash, "/ovirt-engine/api/clusters/123");
  assert.equal(cache.find(data, 0, data.length, hash), undefined, "kept after one sighting");
  cache.remember(data, 0, data.length, hash, "/ovirt-engine/api/clusters/123");
  assert.equal(cache.find(data, 0, data.length, hash), "/ovirt-engine/api/clusters/123");
});

Deno.test("intern cache: with keepTails, a string found comes with what follows its last /", () => {
  const cache = new InternCache(64, { keepTails: true, slots: 4 });
  for (const text of ["/api/vms/123", "/api/vms/", "nothing", "/api/v'/1"]) {
    assert.equal(intern(cache, text), text);
    intern(cache, text);
    assert.equal(cache.lastTail, pathTail(text), text);
  }
  assert.deepEqual(["/a/1", "/a/", "a", `/a'/1`, `/a/"1`].map(pathTail), ["1", "", "", "", ""]);
});

Deno.test("intern cache: a full cache evicts, and never hands out a wrong string", () => {
  const cache = new InternCache(8, { slots: 4 });
  const values = Array.from({ length: 50 }, (_, i) => `v${i}`);
  for (let round = 0; round < 3; round++) {
    for (const value of values) assert.equal(intern(cache, value), value);
  }
  const kept = values.filter((value) => {
    const data = bytes(value);
    return cache.find(data, 0, data.length, hashBytes(data, 0, data.length)) !== undefined;
  });
  assert.ok(kept.length >= 1 && kept.length <= 4, `kept ${kept.length}`);
  assert.throws(() => new InternCache(8, { slots: 2 }), RangeError);
  assert.throws(() => new InternCache(8, { slots: 12 }), RangeError);
});

Deno.test("intern cache: invalid UTF-8 and refused strings give undefined", () => {
  const cache = new InternCache(8, { accepts: (text) => text !== "no" });
  const invalid = new Uint8Array([0xc3, 0x28]);
  assert.equal(cache.intern(invalid, 0, 2, hashBytes(invalid, 0, 2)), undefined);
  assert.equal(intern(cache, "no"), undefined);
  assert.equal(intern(cache, "yes"), "yes");
});
