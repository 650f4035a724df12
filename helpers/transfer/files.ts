/**
 * Positioned reads and writes on a file handle: each connection of a transfer keeps its own
 * handle, so that seeking never races. A local file's failure (missing, a directory, a
 * read-only filesystem, no space left...) becomes an {@link OvirtError} naming the file.
 *
 * @module
 */

import { OvirtError } from "../../transport/errors.ts";

/**
 * An {@link OvirtError} for a failed operation on a local file: `failed` says what (and
 * names the file), e.g. `Cannot write /data/disk.raw`, then the runtime's message; the
 * runtime's error is kept as `cause`. An {@link OvirtError} is returned as it is.
 */
export function fileError(failed: string, error: unknown): OvirtError {
  if (error instanceof OvirtError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new OvirtError(`${failed}: ${message}`, { cause: error });
}

/** Runs `work` on a local file; whatever it throws becomes a {@link fileError} saying `failed`. */
export async function onFile<T>(failed: string, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw fileError(failed, error);
  }
}

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
