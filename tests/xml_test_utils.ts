/**
 * Shared helpers of the XML tests: run the tokenizer over chunks and describe its tokens,
 * and build byte streams.
 *
 * @module
 */

import {
  END_OF_DOCUMENT,
  END_TAG,
  NEED_DATA,
  START_TAG,
  TEXT,
  type XmlLimits,
  XmlTokenizer,
} from "../transport/xml/tokenizer.ts";

const encoder = new TextEncoder();

/** UTF-8 bytes of `text`. */
export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** One token as a readable string: `<a x="1">`, `</a>`, `"text"`. */
export type TokenLine = string;

/** Runs a tokenizer over `chunks` and lists every token it reports. */
export function tokenize(chunks: readonly Uint8Array[], limits?: XmlLimits): TokenLine[] {
  const tokenizer = new XmlTokenizer(limits);
  const lines: TokenLine[] = [];
  let next = 0;
  for (;;) {
    const token = tokenizer.next();
    if (token === NEED_DATA) {
      if (next < chunks.length) tokenizer.push(chunks[next++]);
      else tokenizer.end();
    } else if (token === START_TAG) {
      let line = "<" + tokenizer.name;
      for (let i = 0; i < tokenizer.attributeCount; i++) {
        line += ` ${tokenizer.attributeName(i)}=${JSON.stringify(tokenizer.attributeValue(i))}`;
      }
      lines.push(line + (tokenizer.selfClosing ? "/>" : ">"));
    } else if (token === END_TAG) {
      lines.push("</" + tokenizer.name + ">");
    } else if (token === TEXT) {
      lines.push(JSON.stringify(tokenizer.text()));
    } else if (token === END_OF_DOCUMENT) {
      return lines;
    }
  }
}

/** `data` cut into pieces of `size` bytes. */
export function splitEvery(data: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += size) chunks.push(data.subarray(i, i + size));
  return chunks;
}

/** `data` cut at random places by `random` (a function returning numbers in [0, 1)). */
export function splitRandomly(data: Uint8Array, random: () => number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < data.length;) {
    const size = 1 + Math.floor(random() * 24);
    chunks.push(data.subarray(i, i + size));
    i += size;
  }
  return chunks;
}

/** A small deterministic pseudo-random generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A byte stream delivering `chunks` one by one. */
export function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream({
    pull(controller) {
      if (next < chunks.length) controller.enqueue(chunks[next++]);
      else controller.close();
    },
  });
}

const MUTATION_ALPHABET = [..."<>&;/=\"'!?-[]#xX \n\t\rabAB\u00e9:.\u{1f600}0123456789"];

/**
 * `xml` with one to three random edits (by code point, so that no surrogate pair is split):
 * characters deleted, inserted or replaced, a piece repeated, or the end cut off.
 */
export function mutate(xml: string, random: () => number): string {
  const chars = Array.from(xml); // by code point, so that no surrogate pair is split
  const at = () => Math.floor(random() * (chars.length + 1));
  for (let count = 1 + Math.floor(random() * 3); count > 0; count--) {
    const roll = random();
    const i = at();
    if (roll < 0.3) chars.splice(i, 1);
    else if (roll < 0.6) {
      chars.splice(i, 0, MUTATION_ALPHABET[Math.floor(random() * MUTATION_ALPHABET.length)]);
    } else if (roll < 0.75) {
      chars.splice(i, 1, MUTATION_ALPHABET[Math.floor(random() * MUTATION_ALPHABET.length)]);
    } else if (roll < 0.9) chars.splice(i, 0, ...chars.slice(at(), at()));
    else chars.length = Math.min(chars.length, i);
  }
  return chars.join("");
}
