/**
 * Seeded differential fuzzing of the XML reader: small engine documents in every spelling of
 * `xml_rewrites.ts`, mutated (bytes deleted, inserted, replaced or repeated, the end cut off)
 * and read whole and, for some, streamed in random chunks. Every read must give objects or
 * throw an `OvirtError`: any other exception is a defect. A whole read must also give what
 * the token oracle (`tests/xml_token_oracle.ts`) gives, and a streamed one what the whole
 * read gave: the same objects, or an error with the same message (one known exception:
 * {@link FuzzReport.laterErrors}). `tests/xml_fuzz.test.ts` runs 100,000 documents per CI
 * run; `deno run --allow-read bench/xml_fuzz.ts [count] [seed]` runs 1,000,000 by default.
 *
 * @module
 */

import "../types/register.ts";
import { isDeepStrictEqual } from "node:util";
import { OvirtError } from "../transport/errors.ts";
import { readXml, readXmlStream, streamList } from "../transport/xml/mod.ts";
import type { XmlDocument } from "../transport/xml/read_xml.ts";
import { seededRandom, splitRandomly, streamOf } from "../tests/xml_test_utils.ts";
import { readByTokens } from "../tests/xml_token_oracle.ts";
import { eventXml, smallCorpora } from "./xml_corpora.ts";
import { rewritesOf } from "./xml_rewrites.ts";

/** Bytes that change what markup means, or are not UTF-8 or not allowed in XML. */
const ALPHABET = new TextEncoder().encode("<>&;/=\"'!?-[]#x \n\r\tA0:.\u00e9");
const ODD_BYTES = [0x00, 0x01, 0x80, 0xbf, 0xc3, 0xe2, 0xf0, 0xff];

/**
 * The documents mutated: the small answers of a `get()`, a short list and an action's
 * fault, each in its own bytes and in every rewrite of `xml_rewrites.ts`.
 */
export function fuzzBases(): Uint8Array[] {
  const random = seededRandom(5);
  const encoder = new TextEncoder();
  const list = `<events>\n${eventXml(1, random)}${eventXml(2, random)}</events>\n`;
  const originals = [
    ...smallCorpora().filter((corpus) => corpus.bytes.length < 2500).map((corpus) => corpus.bytes),
    encoder.encode(list),
    encoder.encode(
      `<action><status>failed</status><fault><reason>Operation Failed</reason>` +
        `<detail>[Cannot run VM. &amp; &#x263a;]</detail></fault></action>`,
    ),
  ];
  return originals.flatMap((original) => [original, ...rewritesOf(original).values()]);
}

/** `data` with one to four random edits. */
export function mutateBytes(data: Uint8Array, random: () => number): Uint8Array {
  let bytes = data;
  const at = () => Math.floor(random() * (bytes.length + 1));
  const someByte = () =>
    Uint8Array.of(
      random() < 0.8
        ? ALPHABET[Math.floor(random() * ALPHABET.length)]
        : ODD_BYTES[Math.floor(random() * ODD_BYTES.length)],
    );
  for (let count = 1 + Math.floor(random() * 4); count > 0; count--) {
    const roll = random(), i = at();
    if (roll < 0.25) bytes = splice(bytes, i, 1 + Math.floor(random() * 3), NOTHING);
    else if (roll < 0.5) bytes = splice(bytes, i, 0, someByte());
    else if (roll < 0.7) bytes = splice(bytes, i, 1, someByte());
    else if (roll < 0.85) {
      const from = at();
      bytes = splice(bytes, i, 0, bytes.slice(from, from + Math.floor(random() * 40)));
    } else bytes = bytes.subarray(0, i);
  }
  return bytes;
}

const NOTHING = new Uint8Array(0);

/** `bytes` with `remove` bytes from `at` on replaced by `insert`, as a new array. */
function splice(bytes: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  const end = Math.min(bytes.length, at + remove);
  const out = new Uint8Array(at + insert.length + bytes.length - end);
  out.set(bytes.subarray(0, at));
  out.set(insert, at);
  out.set(bytes.subarray(end), at + insert.length);
  return out;
}

/**
 * Whether `error` is a refusal of bad input: an `OvirtError`, but not the reader's own
 * failure to read well-formed input.
 */
function refusal(error: unknown): boolean {
  return error instanceof OvirtError && !error.message.includes("this reader cannot read");
}

/** A read's outcome: what it read, or the message of the error that refused the input. */
type Outcome = { document: unknown } | { error: string };

/** What a fuzz run saw: how many reads gave objects and how many an `OvirtError`. */
export interface FuzzReport {
  /** Documents read. */
  documents: number;
  /** Reads that gave objects. */
  read: number;
  /** Reads that threw an `OvirtError`. */
  refused: number;
  /**
   * Refusals naming another error than the oracle's invalid UTF-8 before it: the reader
   * decodes a text only once the markup around it is checked, so malformed markup right
   * after invalid UTF-8 is what it names (the oracle decodes each text as it comes).
   */
  laterErrors: number;
  /** Streamed reads (of every `streamEvery`th document), whichever their outcome. */
  streamed: number;
}

/**
 * Reads `count` mutated documents from seed `seed`, each against the token oracle; every
 * `streamEvery`th one is also read from a stream of random chunks. Throws (with the
 * document) at the first read that ends in anything but objects or an `OvirtError`, or
 * disagrees with the oracle (or, streamed, with the whole read).
 */
export async function fuzzReader(
  count: number,
  seed: number,
  streamEvery = 50,
): Promise<FuzzReport> {
  const random = seededRandom(seed);
  const bases = fuzzBases();
  const report: FuzzReport = { documents: 0, read: 0, refused: 0, laterErrors: 0, streamed: 0 };
  for (let n = 0; n < count; n++) {
    const data = mutateBytes(bases[n % bases.length], random);
    report.documents++;
    const whole = await outcomeOf(data, () => readXml(data));
    if ("document" in whole) report.read++;
    else report.refused++;
    if (!sameOutcome(whole, readByTokens([data]), data, "the token oracle")) report.laterErrors++;
    if (n % streamEvery !== 0) continue;
    report.streamed++;
    const chunks = splitRandomly(data, random);
    // A list's items, handed out one by one, are what readXml read; else streamList refuses.
    const listed = await outcomeOf(data, () => streamedList(chunks));
    const list = "document" in whole ? (whole.document as XmlDocument).value : undefined;
    if (
      Array.isArray(list) ? !isDeepStrictEqual(listed, { document: list }) : "document" in listed
    ) {
      throw escaped(`listed ${shown(listed)} where readXml gave ${shown(whole)}`, data);
    }
    const streamed = await outcomeOf(data, () => readXmlStream(streamOf(chunks)));
    if (!sameOutcome(streamed, whole, data, "readXml")) report.laterErrors++;
  }
  return report;
}

/** The outcome of `read` of `data`; throws unless it gives objects or refuses the input. */
async function outcomeOf(data: Uint8Array, read: () => unknown): Promise<Outcome> {
  try {
    return { document: await read() };
  } catch (error) {
    if (!refusal(error)) throw escaped(`threw ${String(error)}`, data, error);
    return { error: (error as Error).message };
  }
}

/**
 * Whether `ours` is `theirs` (what `reference` read from `data`): true when the same, false
 * for the known difference of {@link FuzzReport.laterErrors}; throws for any other.
 */
function sameOutcome(ours: Outcome, theirs: Outcome, data: Uint8Array, reference: string): boolean {
  if (isDeepStrictEqual(ours, theirs)) return true;
  if ("error" in ours && "error" in theirs && /invalid UTF-8/.test(theirs.error)) return false;
  throw escaped(`gave ${shown(ours)} where ${reference} gave ${shown(theirs)}`, data);
}

/** `outcome` in at most 500 characters of JSON, for a message. */
function shown(outcome: Outcome): string {
  return JSON.stringify(outcome).slice(0, 500);
}

/** The items `streamList` hands out of the list document `chunks`. */
async function streamedList(chunks: Uint8Array[]): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const item of streamList(streamOf(chunks))) items.push(item);
  return items;
}

function escaped(what: string, data: Uint8Array, cause?: unknown): Error {
  const text = JSON.stringify(new TextDecoder().decode(data));
  return new Error(`The reader ${what} on ${text}`, { cause });
}

if (import.meta.main) {
  const count = Number(Deno.args[0] ?? 1_000_000), seed = Number(Deno.args[1] ?? 1);
  const started = performance.now();
  const report = await fuzzReader(count, seed);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(JSON.stringify({ ...report, seed, seconds }));
}
