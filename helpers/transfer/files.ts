/**
 * Positioned reads and writes on a file handle: each connection of a transfer keeps its own
 * handle, so that seeking never races.
 *
 * @module
 */

import { OvirtError } from "../../transport/errors.ts";

/** Fills `buffer` with the bytes of `file` at `offset`; rejects if the file ends first. */
export async function readFileAt(
  file: Deno.FsFile,
  offset: number,
  buffer: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  await file.seek(offset, Deno.SeekMode.Start);
  let filled = 0;
  while (filled < buffer.length) {
    const read = await file.read(buffer.subarray(filled));
    if (read === null) {
      throw new OvirtError(`The source file ended at byte ${offset + filled}, before its size`);
    }
    filled += read;
  }
  return buffer;
}

/**
 * Writes all of `bytes` at the file's offset, synchronously: an asynchronous write copies
 * its buffer first, and a write lands in the page cache, so the event loop waits little.
 */
export function writeAll(file: Deno.FsFile, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
}
