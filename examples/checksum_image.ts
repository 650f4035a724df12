/**
 * Computes the checksum of a raw disk image file the way ovirt-imageio computes the
 * checksum of a disk (see `checksum_disk.ts`): every block of `--block-size` bytes is
 * hashed, then the block digests are hashed in turn. Equal checksums mean equal guest
 * data, so comparing both verifies an upload or a download. Needs no engine.
 *
 * Usage: `deno run --allow-read examples/checksum_image.ts --file disk.raw
 * [--algorithm sha1|sha256|sha384|sha512] [--block-size 4194304]`
 *
 * @module
 */

import { parseArgs } from "node:util";

const HASHES: Record<string, string> = {
  sha1: "SHA-1",
  sha256: "SHA-256",
  sha384: "SHA-384",
  sha512: "SHA-512",
};

const { values } = parseArgs({
  args: Deno.args,
  options: {
    file: { type: "string" },
    algorithm: { type: "string", default: "sha256" },
    "block-size": { type: "string", default: String(4 * 1024 ** 2) },
  },
  strict: false,
});
if (typeof values.file !== "string") throw new Error("Pass the image: --file disk.raw");
const algorithm = String(values.algorithm);
const hash = HASHES[algorithm];
if (!hash) throw new Error(`Unsupported algorithm ${algorithm}`);
const blockSize = Number(values["block-size"]);

using file = await Deno.open(values.file);
const { size } = await file.stat();
const block = new Uint8Array(blockSize);
const digests: Uint8Array[] = [];
for (let offset = 0; offset < size; offset += blockSize) {
  const data = block.subarray(0, Math.min(blockSize, size - offset));
  for (let filled = 0; filled < data.length;) {
    const read = await file.read(data.subarray(filled));
    if (read === null) throw new Error(`${values.file} ended early`);
    filled += read;
  }
  digests.push(new Uint8Array(await crypto.subtle.digest(hash, data)));
}

const joined = new Uint8Array(digests.length * (digests[0]?.length ?? 0));
digests.forEach((digest, index) => joined.set(digest, index * digest.length));
const checksum = Array.from(
  new Uint8Array(await crypto.subtle.digest(hash, joined)),
  (byte) => byte.toString(16).padStart(2, "0"),
).join("");
console.log(JSON.stringify({ algorithm, block_size: blockSize, checksum }, null, 2));
