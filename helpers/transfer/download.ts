/**
 * Receives an image from an imageio server into a file with a few connections at once:
 * only the data extents the server reports are asked for, and only the data is written,
 * so that the file's zero areas stay holes. Each connection owns one buffer of
 * `chunkSize` bytes.
 *
 * @module
 */

import { OvirtError } from "../../transport/errors.ts";
import { writeFileAt } from "./files.ts";
import type { Extent } from "./holes.ts";
import type { ImageioClient } from "./imageio.ts";
import { runPool } from "./pool.ts";
import type { Tally } from "./progress.ts";
import { segments } from "./zero.ts";

/** Writes the data `extents` of the image into the file at `path` (already `size` bytes long). */
export async function receiveImage(
  client: ImageioClient,
  extents: Extent[],
  path: string,
  options: { connections: number; chunkSize: number },
  tally: Tally,
): Promise<void> {
  const files: (Deno.FsFile | undefined)[] = [];
  const buffers: Uint8Array<ArrayBuffer>[] = [];
  try {
    await runPool(
      options.connections,
      dataTasks(extents, options.chunkSize, tally),
      async (task, worker) => {
        const buffer = buffers[worker] ??= new Uint8Array(options.chunkSize);
        const bytes = await readRange(client, task.start, buffer.subarray(0, task.length));
        const file = files[worker] ??= await Deno.open(path, { write: true });
        for (const part of segments(bytes)) {
          if (part.zero) continue; // the file reads zeros there already: keep the hole
          writeFileAt(
            file,
            task.start + part.start,
            bytes.subarray(part.start, part.start + part.length),
          );
        }
        tally.add(task.length, false);
      },
    );
  } finally {
    for (const file of files) file?.close();
  }
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
