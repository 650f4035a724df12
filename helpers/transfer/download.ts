/**
 * Receives an image from an imageio server into a file with a few connections at once:
 * only the data extents the server reports are asked for, in requests of `chunkSize`
 * bytes, and each answer is written as it arrives, piece by piece, skipping pieces of
 * zeros, so that the file's zero areas stay holes and no chunk is ever held whole.
 *
 * @module
 */

import { OvirtError } from "../../transport/errors.ts";
import { writeAll } from "./files.ts";
import type { Extent } from "./holes.ts";
import type { ImageioClient, ServerOptions } from "./imageio.ts";
import { runPool } from "./pool.ts";
import type { MovingOptions } from "./options.ts";
import type { Tally } from "./progress.ts";
import { withRetries } from "./retry.ts";
import { isZero } from "./zero.ts";

/**
 * Writes the data `extents` of the image into the file at `path` (already `size` bytes
 * long), each answer's pieces as they arrive; pieces of zeros are skipped (holes).
 */
export async function receiveImage(
  client: ImageioClient,
  extents: Extent[],
  path: string,
  options: MovingOptions,
  tally: Tally,
): Promise<void> {
  const files: (Deno.FsFile | undefined)[] = [];
  try {
    await runPool(
      options.connections,
      dataTasks(extents, options.chunkSize, tally),
      async (task, worker) => {
        const file = files[worker] ??= await Deno.open(path, { write: true });
        await withRetries(() => writeRange(client, task, file), options.retries, options.signal);
        tally.add(task.length, false);
      },
    );
  } finally {
    for (const file of files) file?.close();
  }
}

/** Streams the image's bytes of `range` into `file` at the same offsets, skipping zeros. */
async function writeRange(client: ImageioClient, range: Extent, file: Deno.FsFile): Promise<void> {
  const end = range.start + range.length;
  const body = await client.get(range.start, range.length);
  let offset = range.start;
  let position = -1; // where the file's offset is, when known
  for await (const piece of body) {
    if (offset + piece.byteLength > end) {
      throw new OvirtError(
        `The image server sent more than the ${range.length} bytes asked at ${range.start}`,
      );
    }
    if (!isZero(piece)) {
      if (position !== offset) file.seekSync(offset, Deno.SeekMode.Start);
      writeAll(file, piece);
      position = offset + piece.byteLength;
    }
    offset += piece.byteLength;
  }
  if (offset !== end) {
    throw new OvirtError(
      `The image server sent ${
        offset - range.start
      } of the ${range.length} bytes asked at ${range.start}`,
    );
  }
}

/**
 * The image's data and zero extents: from `GET .../extents` where the server has them,
 * else the whole image as data (its size from the `Content-Range` of a one-byte read).
 */
export async function imageExtents(
  client: ImageioClient,
  server: ServerOptions,
): Promise<Extent[]> {
  if (server.extents) {
    const extents = await client.extents();
    let end = 0;
    for (const extent of extents) {
      if (extent.start !== end || !Number.isSafeInteger(extent.length) || extent.length < 0) {
        throw new OvirtError(`The image server's extents are not contiguous at byte ${end}`);
      }
      end += extent.length;
    }
    return extents;
  }
  const size = await client.size();
  return size === 0 ? [] : [{ start: 0, length: size, zero: false }];
}

/** The data extents in chunks; zero extents are counted as done at once (they stay holes). */
function* dataTasks(extents: Extent[], chunkSize: number, tally: Tally): Generator<Extent> {
  for (const extent of extents) {
    if (extent.zero) {
      tally.add(extent.length, true, 0);
      continue;
    }
    for (let done = 0; done < extent.length; done += chunkSize) {
      yield {
        start: extent.start + done,
        length: Math.min(chunkSize, extent.length - done),
        zero: false,
      };
    }
  }
}

/** Fills `buffer` with the image's bytes at `offset`; rejects on a short or long answer. */
export async function readRange(
  client: ImageioClient,
  offset: number,
  buffer: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const body = await client.get(offset, buffer.length);
  let filled = 0;
  for await (const piece of body) {
    if (filled + piece.byteLength > buffer.length) {
      await body.cancel().catch(() => {});
      throw new OvirtError(
        `The image server sent more than the ${buffer.length} bytes asked at ${offset}`,
      );
    }
    buffer.set(piece, filled);
    filled += piece.byteLength;
  }
  if (filled !== buffer.length) {
    throw new OvirtError(
      `The image server sent ${filled} of the ${buffer.length} bytes asked at ${offset}`,
    );
  }
  return buffer;
}
