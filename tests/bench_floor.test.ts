import "../types/register.ts";
import { deepStrictEqual, notStrictEqual, ok } from "node:assert/strict";
import { recordGraph, replayGraph } from "../bench/object_graph.ts";
import { vmsFixture } from "../bench/vms_fixture.ts";
import { readXml } from "../transport/xml/read_xml.ts";

Deno.test("the benchmark's object floor builds the very objects the reader returns", () => {
  const read = readXml(vmsFixture(20)).value as object[];
  const rebuilt = replayGraph(recordGraph(read, "vms"));
  deepStrictEqual(rebuilt, read);
  notStrictEqual(rebuilt[0], read[0]);
  const links = (read[0] as { nics: unknown[] & { href?: string } }).nics;
  ok(typeof links.href === "string");
  deepStrictEqual((rebuilt[0] as { nics: { href?: string } }).nics.href, links.href);
});
