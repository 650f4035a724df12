/**
 * Receives an image from an imageio server into a file with a few connections at once:
 * only the data extents the server reports are asked for, in ranges of {@link rangeSize}
 * bytes, and each answer is written as it arrives, piece by piece, skipping pieces of
 * zeros, so that the file's zero areas stay holes and no range is ever held whole. A range
 * whose connection was cut, or whose answer went silent, is asked again from where it stopped.
 *
 * @module
 */

import { bodyReader, fillingReader } from "../../transport/body.ts";
import { OvirtError } from "../../transport/errors.ts";
import { fileError, onFile, writeAll } from "./files.ts";
import type { Extent } from "./holes.ts";
import type { ImageioClient, ServerOptions } from "./imageio.ts";
import { runPool } from "./pool.ts";
import type { AnswerWatch } from "./stall.ts";
import type { MovingOptions } from "./options.ts";
import type { Tally } from "./progress.ts";
import { withRetries } from "./retry.ts";
import { isZero, ZERO_STEP } from "./zero.ts";

/**
 * Most bytes asked for in one `GET`. Answers are streamed to the file, so a range costs no
 * memory; fewer, longer answers cost the client less: on loopback, 1 GiB of data with 4
 * connections took 4 to 16 % less client CPU in ranges of up to 128 MiB than of 8 MiB
 * (three interleaved runs; see `bench/RESULTS.md`, round 3).
 */
const MAX_RANGE = 128 * 1024 * 1024;

/**
 * Writes the data `extents` of the image into the file at `path` (already `size` bytes
 * long), each answer's pieces as they arrive; pieces of zeros are skipped (holes). A failed
 * write is an {@link OvirtError} naming the file as `name` (default `path`).
 */
export async function receiveImage(
  client: ImageioClient,
  extents: Extent[],
  path: string,
  options: MovingOptions,
  tally: Tally,
  name: string = path,
): Promise<void> {
  const files: (Deno.FsFile | undefined)[] = [];
  const range = rangeSize(extents, options);
  try {
    await runPool(
      options.connections,
      dataTasks(extents, range, tally),
      async (task, worker) => {
        const file = files[worker] ??= await onFile(
          `Cannot write ${name}`,
          () => Deno.open(path, { write: true }),
        );
        const left = { ...task }; // what is still to come, if the connection is cut
        const report = new Reporter(tally, options.chunkSize);
        await withRetries(
          () => writeRange(client, left, { file, name }, report),
          options.retries,
          options.signal,
        );
        report.flush();
      },
    );
  } finally {
    for (const file of files) file?.close();
  }
}

/**
 * Bytes per `GET`: the data shared out among the connections, at least `chunkSize` and at
 * most {@link MAX_RANGE} (so that a small image still uses every connection, and a large
 * one keeps them all busy to the end).
 */
function rangeSize(extents: Extent[], options: MovingOptions): number {
  const data = extents.reduce((sum, extent) => sum + (extent.zero ? 0 : extent.length), 0);
  const shared = Math.ceil(data / options.connections);
  return Math.max(options.chunkSize, Math.min(MAX_RANGE, shared));
}

/** Adds received bytes to the tally a chunk's worth at a time, and one request per range. */
class Reporter {
  readonly #tally: Tally;
  readonly #step: number;
  #pending = 0;

  constructor(tally: Tally, step: number) {
    this.#tally = tally;
    this.#step = step;
  }

  /** Counts one request sent. */
  request(): void {
    this.#tally.add(0, false, 1);
  }

  /** Counts `length` bytes received. */
  received(length: number): void {
    this.#pending += length;
    if (this.#pending >= this.#step) this.flush();
  }

  /** Reports what was counted and not reported yet. */
  flush(): void {
    if (this.#pending > 0) this.#tally.add(this.#pending, false, 0);
    this.#pending = 0;
  }
}

/**
 * Streams the image's bytes of `range` into `file` at the same offsets, skipping zeros;
 * `range` is moved past every piece written, so that a retry asks only for the rest.
 */
async function writeRange(
  client: ImageioClient,
  range: Extent,
  { file, name }: { file: Deno.FsFile; name: string },
  report: Reporter,
): Promise<void> {
  const start = range.start;
  const end = range.start + range.length;
  report.request();
  const { body, watch } = await client.get(range.start, range.length);
  using _ = watch;
  let position = -1; // where the file's offset is, when known
  for await (const piece of blocksOf(body, ZERO_STEP, watch)) {
    const offset = range.start;
    if (offset + piece.byteLength > end) {
      throw new OvirtError(
        `The image server sent more than the ${end - start} bytes asked at ${start}`,
      );
    }
    if (!isZero(piece)) {
      try {
        if (position !== offset) file.seekSync(offset, Deno.SeekMode.Start);
        writeAll(file, piece);
      } catch (error) {
        throw fileError(`Cannot write ${name}`, error);
      }
      position = offset + piece.byteLength;
    }
    range.start += piece.byteLength;
    range.length -= piece.byteLength;
    report.received(piece.byteLength);
  }
  if (range.length !== 0) {
    throw new OvirtError(
      `The image server sent ${range.start - start} of the ${end - start} bytes asked at ${start}`,
    );
  }
}

/**
 * The image's data and zero extents: from `GET .../extents` where the server has them (as
 * many as the image's size allows: see {@link ImageioClient.extents}), else the whole image
 * as data (its size from the `Content-Range` of a one-byte read).
 */
export async function imageExtents(
  client: ImageioClient,
  server: ServerOptions,
): Promise<Extent[]> {
  if (server.extents) return await client.extents();
  const size = await client.size();
  return size === 0 ? [] : [{ start: 0, length: size, zero: false }];
}

/** The data extents in ranges; zero extents are counted as done at once (they stay holes). */
function* dataTasks(extents: Extent[], rangeSize: number, tally: Tally): Generator<Extent> {
  for (const extent of extents) {
    if (extent.zero) {
      tally.add(extent.length, true, 0);
      continue;
    }
    for (let done = 0; done < extent.length; done += rangeSize) {
      yield {
        start: extent.start + done,
        length: Math.min(rangeSize, extent.length - done),
        zero: false,
      };
    }
  }
}

/**
 * Fills `buffer` with the image's bytes at `offset`; rejects on a short or long answer, and
 * with a `TimeoutError` when the answer stays silent (see `ImageioClient.silenceLimit`).
 */
export async function readRange(
  client: ImageioClient,
  offset: number,
  buffer: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const { body, watch } = await client.get(offset, buffer.length);
  using _ = watch;
  const reader = body.getReader();
  let filled = 0;
  let ended = false;
  try {
    for (;;) {
      const piece = await watch.read(reader.read());
      if (piece.done) break;
      if (filled + piece.value.byteLength > buffer.length) {
        throw new OvirtError(
          `The image server sent more than the ${buffer.length} bytes asked at ${offset}`,
        );
      }
      buffer.set(piece.value, filled);
      filled += piece.value.byteLength;
    }
    ended = true;
  } finally {
    if (!ended) await reader.cancel().catch(() => {});
  }
  if (filled !== buffer.length) {
    throw new OvirtError(
      `The image server sent ${filled} of the ${buffer.length} bytes asked at ${offset}`,
    );
  }
  return buffer;
}

/**
 * The bytes of `body` in blocks of `size` bytes (the last one shorter), each a view of one
 * buffer that the next block overwrites. Where the body can fill the caller's memory (a
 * `fetch` body), the bytes are read straight into the buffer; else its pieces are copied
 * in. Fewer, larger writes of memory that is reused cost less than a write of each piece
 * as it comes, in a buffer of its own. Each read goes through `watch`, if given: one that
 * brings nothing in time rejects, and the body is cancelled.
 */
export async function* blocksOf(
  body: ReadableStream<Uint8Array>,
  size: number,
  watch?: AnswerWatch,
): AsyncGenerator<Uint8Array> {
  const reader = bodyReader(body, fillingReader);
  const readInto = reader.readInto;
  let block = new Uint8Array(size);
  let filled = 0;
  let rest: Uint8Array | undefined; // the part of a piece that did not fit in the block
  let ended = false;
  try {
    while (!ended) {
      if (rest !== undefined) {
        const length = Math.min(rest.byteLength, size - filled);
        block.set(rest.subarray(0, length), filled);
        filled += length;
        rest = length < rest.byteLength ? rest.subarray(length) : undefined;
      } else if (readInto !== undefined) {
        const reading = readInto(block.subarray(filled));
        const chunk = await (watch ? watch.read(reading) : reading);
        if (chunk.value === undefined) throw new OvirtError("The image data was cancelled");
        // The buffer was handed over to be filled: it comes back with the chunk.
        block = new Uint8Array(chunk.value.buffer);
        ended = chunk.done;
        filled += chunk.value.byteLength;
      } else {
        const chunk = await (watch ? watch.read(reader.read()) : reader.read());
        ended = chunk.done;
        rest = chunk.value;
      }
      if (filled === size || (ended && filled > 0)) {
        yield block.subarray(0, filled);
        filled = 0;
      }
    }
  } finally {
    if (!ended) await reader.cancel().catch(() => {});
  }
}
