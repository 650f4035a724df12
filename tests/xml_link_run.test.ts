import assert from "node:assert/strict";
import { sameAcross } from "../transport/xml/decode.ts";
import { LinkRun } from "../transport/xml/link_run.ts";
import { MODEL_SCHEMA } from "../transport/xml/schema.ts";
import { bytes } from "./xml_test_utils.ts";

const VM = MODEL_SCHEMA.struct("Vm");
const NICS = VM.byRel.get("nics");
const TAGS = VM.byRel.get("tags");

/** Links of `parent` to `rels`, one per line, as engines write them. */
function links(parent: string, rels: readonly string[]): string {
  return rels.map((rel) => `<link href="${parent}/${rel}" rel="${rel}"/>`).join("\n  ");
}

/** A run read with the parent href `parent`, as the plain reader records it. */
function recorded(parent: string, rels: readonly string[]): LinkRun {
  const text = links(parent, rels);
  const holes: number[] = [];
  for (let at = text.indexOf(`"${parent}/`); at >= 0; at = text.indexOf(`"${parent}/`, at + 1)) {
    holes.push(at + 1);
  }
  const data = bytes(text);
  const members = rels.map((rel) => VM.byRel.get(rel));
  return new LinkRun(
    data,
    new DataView(data.buffer),
    0,
    data.length,
    holes,
    parent.length,
    members,
  );
}

/** `run` matched against `prefix + links(parent, rels) + suffix`, with `parent` in the document. */
function matchIn(run: LinkRun, parent: string, text: string, end?: number): number {
  const document = bytes(`<vm href="${parent}">${text}</vm>`);
  const words = new DataView(document.buffer);
  const at = `<vm href="${parent}">`.length;
  return run.matchAt(document, words, at, end ?? document.length, 10, parent.length);
}

Deno.test("link run: matches the same links under another parent href, of any length", () => {
  assert.ok(NICS !== undefined && TAGS !== undefined);
  const run = recorded("/api/vms/1", ["nics", "tags", "bogus"]);
  assert.deepEqual(run.members, [NICS, TAGS, undefined]);
  for (const parent of ["/api/vms/2", "/api/vms/12345678-aaaa", "/v/3"]) {
    const text = links(parent, ["nics", "tags", "bogus"]);
    const prefix = `<vm href="${parent}">`.length;
    assert.equal(matchIn(run, parent, text + "<name>x</name>"), prefix + text.length, parent);
  }
});

Deno.test("link run: any other byte, link or spacing, or input ending early, does not match", () => {
  const parent = "/api/vms/2";
  const run = recorded("/api/vms/1", ["nics", "tags"]);
  const text = links(parent, ["nics", "tags"]);
  for (let k = 0; k < text.length; k++) {
    for (const other of ["x", " ", '"', "\0"]) {
      if (text[k] === other) continue;
      const changed = text.slice(0, k) + other + text.slice(k + 1);
      assert.equal(matchIn(run, parent, changed), -1, changed);
    }
  }
  assert.equal(matchIn(run, parent, links(parent, ["nics"])), -1, "a link less");
  assert.equal(matchIn(run, parent, links(parent, ["tags", "nics"])), -1, "another order");
  assert.equal(matchIn(run, parent, text.replace("\n  ", " ")), -1, "other spacing");
  assert.equal(matchIn(run, parent, links("/api/vms/1", ["nics", "tags"])), -1, "recorded href");
  const full = `<vm href="${parent}">`.length + text.length;
  assert.equal(matchIn(run, parent, text, full - 1), -1, "input ends a byte early");
  assert.equal(matchIn(run, parent, text, full), full, "input ends right after");
});

Deno.test("link run: ranges compare equal exactly when their bytes are equal", () => {
  const a = bytes("0123456789abcdefghij/ovirt-engine/api/vms/x");
  const words = new DataView(a.buffer);
  for (let length = 0; length <= 20; length++) {
    for (let k = 0; k < length; k++) {
      const b = a.slice();
      b[k] ^= 0x80; // the sign bit of a double, were the range read as one
      const bWords = new DataView(b.buffer);
      assert.equal(sameAcross(words, a, 0, bWords, b, 0, length), false, `${length}, ${k}`);
    }
    const copy = a.slice();
    assert.equal(sameAcross(words, a, 1, new DataView(copy.buffer), copy, 1, length), true);
  }
});
