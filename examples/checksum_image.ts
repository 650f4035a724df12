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
// A file named on the command line that does not exist: one line and exit code 1.
import "./lib/found.ts";

const HASHES: Record<string, string> = {
  sha1: "SHA-1",
  sha256: "SHA-256",
  sha384: "SHA-384",
  sha512: "SHA-512",
};

const USAGE =
  "Usage: deno run --allow-read examples/checksum_image.ts --file disk.raw [--algorithm sha1|sha256|sha384|sha512] [--block-size 4194304]";

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

/** The value of a flag that takes a whole number of at least `min`, else a usage error. */
function integer(flag: string, text: string, min = 1): number {
  const value = /^-?[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(value) && value >= min)) {
    usage(`--${flag} takes a whole number of at least ${min}, not ${JSON.stringify(text)}`);
  }
  return value;
}

const { values } = (() => {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        file: { type: "string" },
        algorithm: { type: "string", default: "sha256" },
        "block-size": { type: "string", default: String(4 * 1024 ** 2) },
      },
      strict: true,
    });
  } catch (error) {
    usage((error as Error).message);
  }
})();
const blockSize = integer("block-size", values["block-size"]);
if (!values.file) throw usage("Name the image with --file");
const algorithm = values.algorithm;
const hash = HASHES[algorithm];
if (!hash) {
  usage(`--algorithm takes sha1, sha256, sha384 or sha512, not ${JSON.stringify(algorithm)}`);
}

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
