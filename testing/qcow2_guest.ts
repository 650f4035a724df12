/**
 * The guest's bytes of a qcow2 file the simulator holds, as imageio's NBD backend serves them
 * for a `raw` transfer of a `cow` disk: read through the file's L1 and L2 tables. Only what
 * an upload of a standalone image gives is read: qcow2 version 2 or 3, no backing file, no
 * encryption, no compressed clusters, no external data file, no extended L2 entries; other
 * files are refused with {@link Qcow2Unreadable} naming why.
 *
 * @module
 */

import type { ImageBytes, ImageExtent, SparseImage } from "./image_store.ts";

/** A qcow2 file the simulator cannot read the guest's bytes of, with the reason. */
export class Qcow2Unreadable extends Error {}

const MAGIC = 0x514649fb;
/** Bits 9-55 of an L1 or L2 entry: the offset of the table or cluster. */
const OFFSET_MASK = 0x00fffffffffffe00n;
const COMPRESSED = 1n << 62n;
/** Bit 0 of a version 3 L2 entry: the cluster reads as zeros. */
const ZERO_FLAG = 1n;
/** Incompatible feature bits the reader copes with: dirty (refcounts need a repair only). */
const KNOWN_INCOMPATIBLE = 1n;

/** The guest's view of qcow2 file `file`: its bytes, and the virtual size its header says. */
export function guestOfQcow2(file: SparseImage): ImageBytes & { virtualSize: number } {
  return new Qcow2Guest(file);
}

/** Reads a qcow2 file's guest bytes cluster by cluster, through its tables. */
class Qcow2Guest implements ImageBytes {
  readonly virtualSize: number;
  readonly #file: SparseImage;
  readonly #clusterSize: number;
  readonly #l2Entries: number;
  readonly #version: number;
  readonly #l1: bigint[];
  readonly #l2 = new Map<number, DataView>();

  constructor(file: SparseImage) {
    this.#file = file;
    const header = view(file.read(0, 104));
    if (header.getUint32(0) !== MAGIC) throw new Qcow2Unreadable("it is not a qcow2 file");
    this.#version = header.getUint32(4);
    if (this.#version !== 2 && this.#version !== 3) {
      throw new Qcow2Unreadable(`qcow2 version ${this.#version} is not read`);
    }
    if (header.getBigUint64(8) !== 0n) throw new Qcow2Unreadable("it has a backing file");
    const clusterBits = header.getUint32(20);
    if (clusterBits < 9 || clusterBits > 21) {
      throw new Qcow2Unreadable(`its cluster size 2^${clusterBits} is invalid`);
    }
    this.#clusterSize = 2 ** clusterBits;
    this.#l2Entries = this.#clusterSize / 8;
    this.virtualSize = Number(header.getBigUint64(24));
    if (header.getUint32(32) !== 0) throw new Qcow2Unreadable("it is encrypted");
    const incompatible = this.#version === 3 ? header.getBigUint64(72) : 0n;
    if ((incompatible & ~KNOWN_INCOMPATIBLE) !== 0n) {
      throw new Qcow2Unreadable(
        `it needs features the simulator lacks (incompatible bits 0x${incompatible.toString(16)})`,
      );
    }
    const l1Size = header.getUint32(36);
    const l1Offset = Number(header.getBigUint64(40));
    if (l1Size * this.#l2Entries * this.#clusterSize < this.virtualSize) {
      throw new Qcow2Unreadable("its L1 table is too small for its virtual size");
    }
    this.#inFile(l1Offset, l1Size * 8, "its L1 table");
    const l1 = view(file.read(l1Offset, l1Size * 8));
    this.#l1 = Array.from({ length: l1Size }, (_, index) => l1.getBigUint64(index * 8));
    this.#checkClusters();
  }

  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const at = offset + done;
      const within = at % this.#clusterSize;
      const count = Math.min(this.#clusterSize - within, length - done);
      const host = this.#hostOffset(Math.floor(at / this.#clusterSize));
      if (host !== undefined) out.set(this.#file.read(host + within, count), done);
      done += count;
    }
    return out;
  }

  allocatedIn(offset: number, length: number): boolean {
    const last = Math.floor((offset + length - 1) / this.#clusterSize);
    for (let cluster = Math.floor(offset / this.#clusterSize); cluster <= last; cluster++) {
      if (this.#hostOffset(cluster) !== undefined) return true;
    }
    return false;
  }

  extents(size: number): ImageExtent[] {
    const extents: ImageExtent[] = [];
    const span = this.#clusterSize * this.#l2Entries; // what one L2 table maps
    for (let start = 0; start < size;) {
      const cluster = start / this.#clusterSize;
      // Without an L2 table, the whole span it would map reads as zeros.
      const mapped = this.#l2Table(Math.floor(cluster / this.#l2Entries)) !== undefined;
      const step = mapped ? this.#clusterSize : span - (start % span);
      const length = Math.min(step, size - start);
      const zero = !mapped || this.#hostOffset(cluster) === undefined;
      const last = extents.at(-1);
      if (last && last.zero === zero) last.length += length;
      else extents.push({ start, length, zero });
      start += length;
    }
    return extents;
  }

  /** Where guest cluster `cluster`'s data lies in the file (`undefined`: it reads as zeros). */
  #hostOffset(cluster: number): number | undefined {
    const table = this.#l2Table(Math.floor(cluster / this.#l2Entries));
    if (!table) return undefined;
    const entry = table.getBigUint64((cluster % this.#l2Entries) * 8);
    if (this.#version === 3 && (entry & ZERO_FLAG) !== 0n) return undefined;
    const host = Number(entry & OFFSET_MASK);
    return host === 0 ? undefined : host;
  }

  /** L2 table `index` (`undefined`: none, its clusters read as zeros). */
  #l2Table(index: number): DataView | undefined {
    const entry = this.#l1[index] ?? 0n;
    const offset = Number(entry & OFFSET_MASK);
    if (offset === 0) return undefined;
    let table = this.#l2.get(offset);
    if (!table) this.#l2.set(offset, table = view(this.#file.read(offset, this.#clusterSize)));
    return table;
  }

  /** Refuses compressed clusters and tables or clusters past the end of the file. */
  #checkClusters(): void {
    for (let index = 0; index < this.#l1.length; index++) {
      const offset = Number(this.#l1[index] & OFFSET_MASK);
      if (offset === 0) continue;
      this.#inFile(offset, this.#clusterSize, "an L2 table");
      const table = this.#l2Table(index)!;
      for (let slot = 0; slot < this.#l2Entries; slot++) {
        const entry = table.getBigUint64(slot * 8);
        if ((entry & COMPRESSED) !== 0n) {
          throw new Qcow2Unreadable(
            "it has compressed clusters, which the simulator does not read",
          );
        }
        const host = Number(entry & OFFSET_MASK);
        if (host !== 0) this.#inFile(host, this.#clusterSize, "a data cluster");
      }
    }
  }

  /** Refuses `what`, `length` bytes at `offset`, unless it starts within the file. */
  #inFile(offset: number, length: number, what: string): void {
    if (length > 0 && offset >= this.#file.end) {
      throw new Qcow2Unreadable(`${what} lies past the end of the file`);
    }
  }
}

/** A big-endian view of `bytes`. */
function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
