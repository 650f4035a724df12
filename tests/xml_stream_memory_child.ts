/**
 * Child process of the streaming memory test: streams a large `<events>` document generated
 * on the fly through `streamList`, read as the runtime reads an answer (the body stream of a
 * `readerResponse` over a `watchedReader`, with a call's signal), and prints a JSON report with the RSS it observed.
 * Arguments: the number of events, and `keep` to keep the correlation id of every tenth
 * event (a value must not keep the input around it alive). Run with `--v8-flags=--expose-gc` so
 * that the baseline is taken after a collection.
 *
 * @module
 */

import "../types/register.ts";
import { bodyReader, readerResponse, watchedReader } from "../transport/body.ts";
import { streamList } from "../transport/xml/stream.ts";

const EVENTS = Number(Deno.args[0] ?? 100_000);
const KEEP_IDS = Deno.args[1] === "keep";
const PER_CHUNK = 100;
const encoder = new TextEncoder();
const padding = "x".repeat(24);
let bytes = 0;

function event(i: number): string {
  const uuid = `5a8e1e5c-0000-4000-8000-${String(i).padStart(12, "0")}`;
  return `  <event href="/ovirt-engine/api/events/${i}" id="${i}">
    <description>User admin@internal-authz logged out, session ${i} ${padding}</description>
    <code>31</code>
    <correlation_id>${uuid}</correlation_id>
    <custom_id>-1</custom_id>
    <flood_rate>30</flood_rate>
    <index>${i}</index>
    <origin>oVirt</origin>
    <severity>normal</severity>
    <time>2024-05-01T12:00:00.123+02:00</time>
    <user href="/ovirt-engine/api/users/${uuid}" id="${uuid}"/>
    <cluster href="/ovirt-engine/api/clusters/${uuid}" id="${uuid}"/>
  </event>
`;
}

function eventStream(): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream({
    pull(controller) {
      if (next === 0) controller.enqueue(encoder.encode("<events>\n"));
      if (next >= EVENTS) {
        controller.enqueue(encoder.encode("</events>\n"));
        controller.close();
        return;
      }
      let chunk = "";
      for (const end = Math.min(next + PER_CHUNK, EVENTS); next < end; next++) chunk += event(next);
      bytes += chunk.length;
      controller.enqueue(encoder.encode(chunk));
    },
  }, { highWaterMark: 0 });
}

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const baseline = Deno.memoryUsage().rss;
let peak = baseline;
let count = 0;
let lastIndex = -1;
const kept: string[] = [];
const reader = watchedReader(bodyReader(eventStream()), {
  signal: new AbortController().signal,
  onDone: () => {},
  mapError: (error) => error,
});
const { body } = readerResponse({ status: 200, statusText: "OK", headers: new Headers() }, reader);
for await (const item of streamList(body)) {
  const { index, correlationId } = item as { index: number; correlationId: string };
  if (KEEP_IDS && index % 10 === 0) kept.push(correlationId);
  if (index !== lastIndex + 1) throw new Error(`item ${index} after ${lastIndex}`);
  lastIndex = index;
  if (++count % 1000 === 0) peak = Math.max(peak, Deno.memoryUsage().rss);
}
peak = Math.max(peak, Deno.memoryUsage().rss);
console.log(JSON.stringify({ count, bytes, baseline, peak, kept: kept.length }));
