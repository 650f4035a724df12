/**
 * Checks that an uploaded image holds what the source file holds: with the server's
 * checksum where it offers an algorithm Web Crypto also has (the local side hashes each
 * block, holes without reading them, then the block digests; the server hashes its whole
 * image, so a disk larger than the file is hashed here as the file followed by zeros), else
 * by reading the image back and comparing it with the file.
 *
 * @module
 */

import { OvirtError } from "../../transport/errors.ts";
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
        again(() => client.checksum(algorithm, BLOCK_SIZE)),
        fileChecksum(path, extents, ALGORITHMS[algorithm], imageSize),
      ]);
      if (remote !== local) {
        throw new OvirtError(
          `The uploaded image differs from ${path}: ${algorithm} checksum ${remote} on the server, ${local} here`,
        );
      }
      return "checksum";
    }
  }
  await readBack(client, path, extents, options);
  return "read-back";
}

/**
 * The block checksum of the file as an image of `imageSize` bytes (the bytes past the
 * file's end read as zeros), zero blocks (inside holes, or past the end) hashed without
 * reading.
 */
async function fileChecksum(
  path: string,
  extents: Extent[],
  hash: string,
  imageSize: number,
): Promise<string> {
  const fileSize = extents.reduce((sum, extent) => sum + extent.length, 0);
  const zeroDigests = new Map<number, Uint8Array>();
  const digest = async (bytes: Uint8Array<ArrayBuffer>) =>
    new Uint8Array(await crypto.subtle.digest(hash, bytes));
  const digests: Uint8Array[] = [];
  const failed = `Cannot read ${path}`;
  using file = await onFile(failed, () => Deno.open(path, { read: true }));
  const buffer = new Uint8Array(BLOCK_SIZE);
  for (let offset = 0; offset < imageSize; offset += BLOCK_SIZE) {
    const length = Math.min(BLOCK_SIZE, imageSize - offset);
    const inFile = Math.max(0, Math.min(length, fileSize - offset));
    if (inFile === 0 || withinZeros(extents, offset, inFile)) {
      let zero = zeroDigests.get(length);
      if (!zero) zeroDigests.set(length, zero = await digest(new Uint8Array(length)));
      digests.push(zero);
    } else {
      await onFile(failed, () => readFileAt(file, offset, buffer.subarray(0, inFile)));
      buffer.fill(0, inFile, length);
      digests.push(await digest(buffer.subarray(0, length)));
    }
  }
  const all = new Uint8Array(digests.length * (digests[0]?.length ?? 0));
  digests.forEach((item, index) => all.set(item, index * item.length));
  return Array.from(await digest(all), (byte) => byte.toString(16).padStart(2, "0")).join("");
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
