/**
 * Sends an image to an imageio server with a few connections at once: data as ranged
 * `PUT`s, areas of zeros (holes of the source file, or zeros found while reading it) as
 * `PATCH {"op":"zero"}`, one flush at the end. Each connection takes `chunkSize` bytes at
 * a time and owns one buffer: of {@link MAX_BODY} bytes for a file, which is read a
 * request's worth at a time, of `chunkSize` bytes for a stream, which comes in order; so
 * memory stays at connections x buffer size whatever the image size (plus what `fetch`
 * keeps of the request bodies, see {@link MAX_BODY}). A request whose connection was cut,
 * the final flush included, is sent again (`retries`).
 *
 * @module
 */

import { OvirtError } from "../../transport/errors.ts";
import { onFile, readFileAt } from "./files.ts";
import type { Extent } from "./holes.ts";
import type { ImageioClient, ServerOptions } from "./imageio.ts";
import { runPool } from "./pool.ts";
import type { MovingOptions } from "./options.ts";
import type { Tally } from "./progress.ts";
import { withRetries } from "./retry.ts";
import { type Segment, segments } from "./zero.ts";

/** Largest area zeroed by one request (storage without fast zeroing writes them). */
const MAX_ZERO = 1024 ** 3;

/**
 * Most bytes of data in one `PUT`: a chunk with more is sent in several requests. Deno's
 * `fetch` copies every request body, and the copies are freed only when V8 next collects
 * garbage; copies of 8 MiB also leave the allocator fragmented. In a fresh process,
 * uploading 1 GiB with 4 x 8 MiB peaked at +209 MiB with whole chunks as bodies, +142 MiB
 * with bodies of 2 MiB, +129 MiB with 1 MiB (whose twice as many requests cost a round
 * trip each on a real network).
 */
export const MAX_BODY = 2 * 1024 * 1024;

/** One piece of work: zero an area, or send the data read from the source there. */
interface Task {
  offset: number;
  length: number;
  zero: boolean;
  /** The bytes, when the source is a stream (already read, in order). */
  bytes?: Uint8Array<ArrayBuffer>;
}

/** Where the bytes come from: a file (read by each connection where it needs) or a stream. */
export type UploadSource =
  | { kind: "file"; path: string; extents: Extent[] }
  | { kind: "stream"; stream: ReadableStream<Uint8Array>; size: number };

/** Sends `source` (of `size` bytes) through `client`, then flushes. */
export async function sendImage(
  client: ImageioClient,
  server: ServerOptions,
  source: UploadSource,
  size: number,
  options: MovingOptions,
  tally: Tally,
): Promise<void> {
  const tasks = source.kind === "file"
    ? fileTasks(source.extents, options.chunkSize)
    : streamTasks(source.stream, source.size, options.chunkSize);
  const files: (Deno.FsFile | undefined)[] = [];
  const buffers: Uint8Array<ArrayBuffer>[] = [];
  const zeros = server.zero
    ? undefined
    : new Uint8Array(Math.min(options.chunkSize, MAX_BODY, size));
  try {
    await runPool(options.connections, tasks, async (task, worker) => {
      if (task.zero) {
        const count = await withRetries(
          () => zeroArea(client, server, task, zeros!),
          options.retries,
          options.signal,
        );
        return tally.add(task.length, server.zero, count);
      }
      const send = async (offset: number, chunk: Uint8Array<ArrayBuffer>) => {
        const parts = server.zero
          ? segments(chunk)
          : [{ start: 0, length: chunk.length, zero: false }];
        await withRetries(
          () => sendParts(client, server, offset, chunk, parts),
          options.retries,
          options.signal,
        );
        for (const part of parts) tally.add(part.length, part.zero);
      };
      if (task.bytes) return await send(task.offset, task.bytes);
      if (source.kind !== "file") throw new OvirtError("A stream task without bytes");
      // A file is read a request's worth at a time: the buffer need not hold the chunk.
      const buffer = buffers[worker] ??= new Uint8Array(Math.min(options.chunkSize, MAX_BODY));
      const failed = `Cannot read ${source.path}`;
      const file = files[worker] ??= await onFile(
        failed,
        () => Deno.open(source.path, { read: true }),
      );
      for (let done = 0; done < task.length; done += buffer.length) {
        const length = Math.min(buffer.length, task.length - done);
        const at = task.offset + done;
        await send(
          at,
          await onFile(failed, () => readFileAt(file, at, buffer.subarray(0, length))),
        );
      }
    });
  } finally {
    for (const file of files) file?.close();
  }
  // Flushing twice does no harm: a flush whose answer was lost is sent again like a piece.
  if (server.flush) await withRetries(() => client.flush(), options.retries, options.signal);
}

/**
 * Sends the `parts` of `bytes` to `offset`: data as PUTs of at most {@link MAX_BODY}
 * bytes, runs of zeros as PATCH zero.
 */
async function sendParts(
  client: ImageioClient,
  server: ServerOptions,
  offset: number,
  bytes: Uint8Array<ArrayBuffer>,
  parts: Segment[],
): Promise<void> {
  for (const part of parts) {
    if (part.zero) {
      await client.zero(offset + part.start, part.length);
    } else {
      for (let done = 0; done < part.length; done += MAX_BODY) {
        const start = part.start + done;
        const piece = bytes.subarray(start, start + Math.min(MAX_BODY, part.length - done));
        await client.put(offset + start, piece, !server.flush);
      }
    }
  }
}

/**
 * Zeroes an area: one PATCH, or PUTs of zeros on a server without the `zero` feature;
 * resolves to the number of requests sent.
 */
async function zeroArea(
  client: ImageioClient,
  server: ServerOptions,
  task: Task,
  zeros: Uint8Array<ArrayBuffer>,
): Promise<number> {
  if (server.zero) {
    await client.zero(task.offset, task.length);
    return 1;
  }
  let requests = 0;
  for (let done = 0; done < task.length; done += zeros.length) {
    const length = Math.min(zeros.length, task.length - done);
    await client.put(task.offset + done, zeros.subarray(0, length), !server.flush);
    requests++;
  }
  return requests;
}

/** The tasks of a mapped file: zero extents in pieces of at most 1 GiB, data in chunks. */
function* fileTasks(extents: Extent[], chunkSize: number): Generator<Task> {
  for (const extent of extents) {
    const step = extent.zero ? MAX_ZERO : chunkSize;
    for (let done = 0; done < extent.length; done += step) {
      const length = Math.min(step, extent.length - done);
      yield { offset: extent.start + done, length, zero: extent.zero };
    }
  }
}

/**
 * The tasks of a stream: chunks read in order, each in a new buffer (the pool holds at
 * most one per connection, plus the one being read). Rejects if the stream does not
 * hold exactly `size` bytes.
 */
async function* streamTasks(
  stream: ReadableStream<Uint8Array>,
  size: number,
  chunkSize: number,
): AsyncGenerator<Task> {
  let offset = 0;
  let buffer = new Uint8Array(Math.min(chunkSize, size));
  let filled = 0;
  for await (let piece of stream) {
    while (piece.byteLength > 0) {
      const taken = Math.min(buffer.length - filled, piece.byteLength);
      if (taken === 0) throw new OvirtError(`The source has more than the ${size} bytes announced`);
      buffer.set(piece.subarray(0, taken), filled);
      filled += taken;
      piece = piece.subarray(taken);
      if (filled === buffer.length) {
        yield { offset, length: filled, zero: false, bytes: buffer };
        offset += filled;
        buffer = new Uint8Array(Math.min(chunkSize, size - offset));
        filled = 0;
      }
    }
  }
  if (offset + filled !== size) {
    throw new OvirtError(`The source ended after ${offset + filled} of ${size} bytes`);
  }
}
