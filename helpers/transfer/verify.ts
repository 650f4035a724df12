/**
 * Checks that an uploaded image holds what the source file holds: with the server's
 * checksum where it offers an algorithm Web Crypto also has (the local side hashes each
 * block, holes without reading them, then the block digests), else by reading the image back
 * and comparing it with the file. The server hashes its whole image, whose size it does not
 * always report: the file followed by zeros up to the size a read's `Content-Range` tells (a
 * raw disk larger than the file, a qcow2 file on block storage, where the volume is that
 * size), or the file alone (a qcow2 file on file storage, where the volume is the file while
 * the ticket's size is larger): both are hashed here in one read, and either may match.
 *
 * @module
 */

import { OvirtError, TimeoutError } from "../../transport/errors.ts";
import { MAX_MILLISECONDS } from "../../transport/options.ts";
import { readRange } from "./download.ts";
import { onFile, readFileAt } from "./files.ts";
import type { Extent } from "./holes.ts";
import type { ImageioClient } from "./imageio.ts";
import type { MovingOptions } from "./options.ts";
import { runPool } from "./pool.ts";
import { withRetries } from "./retry.ts";
import { isZero } from "./zero.ts";

/** How an upload is verified: the server's checksum (else a read-back), or a read-back. */
export type VerifyMode = "checksum" | "read-back";

/** Algorithms of imageio's checksum that Web Crypto can compute, preferred first. */
const ALGORITHMS: Record<string, string> = {
  sha256: "SHA-256",
  sha1: "SHA-1",
  sha512: "SHA-512",
  sha384: "SHA-384",
};

/** imageio's default checksum block size. */
const BLOCK_SIZE = 4 * 1024 * 1024;

/**
 * Verifies the image behind `client` against the file at `path` (mapped by `extents`);
 * resolves to the method used, rejects with an {@link OvirtError} on the first difference.
 */
export async function verifyUpload(
  client: ImageioClient,
  path: string,
  extents: Extent[],
  mode: VerifyMode,
  options: MovingOptions,
): Promise<VerifyMode> {
  if (mode === "checksum") {
    const again = <T>(work: () => Promise<T>) => withRetries(work, options.retries, options.signal);
    const offered = await again(() => client.checksumAlgorithms());
    const algorithm = Object.keys(ALGORITHMS).find((name) => offered.includes(name));
    if (algorithm) {
      const fileSize = extents.reduce((sum, extent) => sum + extent.length, 0);
      const imageSize = await again(() => client.size());
      if (imageSize < fileSize) {
        throw new OvirtError(
          `The uploaded image differs from ${path}: it holds ${imageSize} bytes, the file ${fileSize}`,
        );
      }
      const [remote, local] = await Promise.all([
        serverChecksum(client, algorithm, imageSize, again),
        fileChecksums(path, extents, ALGORITHMS[algorithm], imageSize),
      ]);
      if (remote !== local.padded && remote !== local.file) {
        const here = local.padded === local.file
          ? local.file
          : `${local.file} (the file), ${local.padded} (followed by zeros to ${imageSize} bytes)`;
        throw new OvirtError(
          `The uploaded image differs from ${path}: ${algorithm} checksum ${remote} on the server, ${here} here`,
        );
      }
      return "checksum";
    }
  }
  await readBack(client, path, extents, options);
  return "read-back";
}

/**
 * The slowest rate at which the server is expected to hash an image, in bytes per second:
 * imageio answers a checksum only once it has read the whole image (its zero extents
 * quickly), so the wait for its answer grows with the image, not with the connection's
 * `timeout`.
 */
const SLOWEST_HASHING = 8 * 1024 * 1024;

/** The least time a checksum is given, in milliseconds, however small the image. */
const LEAST_CHECKSUM_TIME = 60_000;

/**
 * Milliseconds the server is given to hash an image of `imageSize` bytes: a minute, plus a
 * second for each {@link SLOWEST_HASHING} bytes, at most what a timer can hold (some 24 days:
 * an image past 16 TiB).
 */
export function checksumTimeLimit(imageSize: number): number {
  const limit = LEAST_CHECKSUM_TIME + Math.ceil(imageSize / SLOWEST_HASHING) * 1000;
  return Math.min(limit, MAX_MILLISECONDS);
}

/**
 * The server's checksum of its image of `imageSize` bytes, waited for as long as hashing it
 * may take at {@link SLOWEST_HASHING}. Not sent again when that time passes (the server
 * would start over): a network failure before the answer is, through `again`.
 */
async function serverChecksum(
  client: ImageioClient,
  algorithm: string,
  imageSize: number,
  again: <T>(work: () => Promise<T>) => Promise<T>,
): Promise<string> {
  const limit = checksumTimeLimit(imageSize);
  return await again(() =>
    client.checksum(algorithm, BLOCK_SIZE, limit).catch((error) => {
      if (!(error instanceof TimeoutError)) throw error;
      throw new OvirtError(
        `The image server did not send its ${algorithm} checksum of ${imageSize} bytes ` +
          `within ${Math.round(limit / 1000)} s`,
        { cause: error },
      );
    })
  );
}

/**
 * The block checksums of the file read once: of the file alone (`file`), and of the file as
 * an image of `imageSize` bytes, those past its end zeros (`padded`); zero blocks (inside
 * holes, or past the end) are hashed without reading.
 */
async function fileChecksums(
  path: string,
  extents: Extent[],
  hash: string,
  imageSize: number,
): Promise<{ file: string; padded: string }> {
  const fileSize = extents.reduce((sum, extent) => sum + extent.length, 0);
  const zeroDigests = new Map<number, Uint8Array>();
  const digest = async (bytes: Uint8Array<ArrayBuffer>) =>
    new Uint8Array(await crypto.subtle.digest(hash, bytes));
  const zeroDigest = async (length: number) => {
    let zero = zeroDigests.get(length);
    if (!zero) zeroDigests.set(length, zero = await digest(new Uint8Array(length)));
    return zero;
  };
  const fileDigests: Uint8Array[] = [];
  const paddedDigests: Uint8Array[] = [];
  const failed = `Cannot read ${path}`;
  using file = await onFile(failed, () => Deno.open(path, { read: true }));
  const buffer = new Uint8Array(BLOCK_SIZE);
  for (let offset = 0; offset < imageSize; offset += BLOCK_SIZE) {
    const length = Math.min(BLOCK_SIZE, imageSize - offset);
    const inFile = Math.max(0, Math.min(length, fileSize - offset));
    const zeros = inFile === 0 || withinZeros(extents, offset, inFile);
    if (!zeros) await onFile(failed, () => readFileAt(file, offset, buffer.subarray(0, inFile)));
    // The block as the file has it first, then followed by zeros (unless it is whole).
    const blockDigest = async (size: number) => {
      if (zeros) return await zeroDigest(size);
      buffer.fill(0, inFile, size);
      return await digest(buffer.subarray(0, size));
    };
    const own = inFile > 0 ? await blockDigest(inFile) : undefined;
    if (own) fileDigests.push(own);
    paddedDigests.push(own && inFile === length ? own : await blockDigest(length));
  }
  const outer = async (digests: Uint8Array[]) => {
    const all = new Uint8Array(digests.length * (digests[0]?.length ?? 0));
    digests.forEach((item, index) => all.set(item, index * item.length));
    return Array.from(await digest(all), (byte) => byte.toString(16).padStart(2, "0")).join("");
  };
  return { file: await outer(fileDigests), padded: await outer(paddedDigests) };
}

/** Whether `[offset, offset + length)` lies inside zero extents only. */
function withinZeros(extents: Extent[], offset: number, length: number): boolean {
  return extents.every((extent) =>
    extent.start + extent.length <= offset || extent.start >= offset + length || extent.zero
  );
}

/** Reads the whole image back and compares it with the file, chunk by chunk. */
async function readBack(
  client: ImageioClient,
  path: string,
  extents: Extent[],
  options: MovingOptions,
): Promise<void> {
  const size = extents.reduce((sum, extent) => sum + extent.length, 0);
  const files: (Deno.FsFile | undefined)[] = [];
  const buffers: [Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>][] = [];
  function* chunks() {
    for (let offset = 0; offset < size; offset += options.chunkSize) {
      yield { offset, length: Math.min(options.chunkSize, size - offset) };
    }
  }
  try {
    await runPool(options.connections, chunks(), async ({ offset, length }, worker) => {
      const [remoteBuffer, localBuffer] = buffers[worker] ??= [
        new Uint8Array(options.chunkSize),
        new Uint8Array(options.chunkSize),
      ];
      const remote = await withRetries(
        () => readRange(client, offset, remoteBuffer.subarray(0, length)),
        options.retries,
        options.signal,
      );
      const failed = `Cannot read ${path}`;
      const same = withinZeros(extents, offset, length) ? isZero(remote) : equal(
        remote,
        await onFile(failed, async () =>
          await readFileAt(
            files[worker] ??= await Deno.open(path),
            offset,
            localBuffer.subarray(0, length),
          )),
      );
      if (!same) {
        throw new OvirtError(
          `The uploaded image differs from ${path} in bytes ${offset}-${offset + length - 1}`,
        );
      }
    });
  } finally {
    for (const file of files) file?.close();
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
