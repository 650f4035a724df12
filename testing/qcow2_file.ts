/**
 * A qcow2 file of guest bytes the simulator holds as they are, for a `cow` transfer of a
 * `cow` disk that holds no uploaded qcow2 file (a new or seeded disk, or one a `raw` upload
 * filled): what imageio's file backend would serve of the disk's volume. The file is a
 * version 3 qcow2 of 64 KiB clusters laid out as header, L1 table, refcount table, refcount
 * blocks, L2 tables, then the data clusters in guest order; only the guest's allocated areas
 * get data clusters. Its metadata is made once; its data clusters are read from the guest's
 * bytes when asked for.
 *
 * @module
 */

import type { ImageBytes, ImageExtent, SparseImage } from "./image_store.ts";

const CLUSTER = 65536;
const L2_ENTRIES = CLUSTER / 8;
/** Clusters one refcount block counts (16-bit refcounts). */
const REFCOUNTS_PER_BLOCK = CLUSTER / 2;
const HEADER_LENGTH = 104;
const COPIED = 1n << 63n;

/** A qcow2 file holding `guest`'s first `virtualSize` bytes, and its length. */
export function qcow2OfGuest(
  guest: SparseImage,
  virtualSize: number,
): ImageBytes & { size: number } {
  return new Qcow2File(guest, virtualSize);
}

/** The bytes of a qcow2 file laid out over a guest image. */
class Qcow2File implements ImageBytes {
  readonly size: number;
  readonly #guest: SparseImage;
  readonly #metadata: Uint8Array;
  /** The guest cluster of each data cluster, in file order after the metadata. */
  readonly #data: number[];

  constructor(guest: SparseImage, virtualSize: number) {
    this.#guest = guest;
    this.#data = allocatedClusters(guest, virtualSize);
    const l1Size = Math.ceil(virtualSize / (CLUSTER * L2_ENTRIES));
    const l1Clusters = Math.max(1, Math.ceil((l1Size * 8) / CLUSTER));
    const tables = new Set(this.#data.map((cluster) => Math.floor(cluster / L2_ENTRIES)));
    const l2Tables = [...tables].sort((a, b) => a - b);
    // The refcount blocks count every cluster, themselves and their table included.
    let blocks = 1;
    let tableClusters = 1;
    let total = 0;
    for (;;) {
      total = 1 + l1Clusters + tableClusters + blocks + l2Tables.length + this.#data.length;
      const needed = Math.ceil(total / REFCOUNTS_PER_BLOCK);
      const neededTable = Math.ceil((needed * 8) / CLUSTER);
      if (needed <= blocks && neededTable <= tableClusters) break;
      blocks = Math.max(blocks, needed);
      tableClusters = Math.max(tableClusters, neededTable);
    }
    const l1At = 1;
    const refcountTableAt = l1At + l1Clusters;
    const blocksAt = refcountTableAt + tableClusters;
    const l2At = blocksAt + blocks;
    const dataAt = l2At + l2Tables.length;
    this.size = total * CLUSTER;
    this.#metadata = new Uint8Array(dataAt * CLUSTER);
    const meta = new DataView(this.#metadata.buffer);
    meta.setUint32(0, 0x514649fb);
    meta.setUint32(4, 3);
    meta.setUint32(20, 16); // 64 KiB clusters
    meta.setBigUint64(24, BigInt(virtualSize));
    meta.setUint32(36, l1Size);
    meta.setBigUint64(40, BigInt(l1At * CLUSTER));
    meta.setBigUint64(48, BigInt(refcountTableAt * CLUSTER));
    meta.setUint32(56, tableClusters);
    meta.setUint32(96, 4); // 16-bit refcounts
    meta.setUint32(100, HEADER_LENGTH); // then the end of header extensions: zeros
    const l2Of = new Map(l2Tables.map((table, index) => [table, l2At + index]));
    for (const [table, at] of l2Of) {
      meta.setBigUint64(l1At * CLUSTER + table * 8, COPIED | BigInt(at * CLUSTER));
    }
    this.#data.forEach((cluster, index) => {
      const l2 = l2Of.get(Math.floor(cluster / L2_ENTRIES))!;
      const entry = l2 * CLUSTER + (cluster % L2_ENTRIES) * 8;
      meta.setBigUint64(entry, COPIED | BigInt((dataAt + index) * CLUSTER));
    });
    for (let block = 0; block < blocks; block++) {
      meta.setBigUint64(
        refcountTableAt * CLUSTER + block * 8,
        BigInt((blocksAt + block) * CLUSTER),
      );
    }
    for (let cluster = 0; cluster < total; cluster++) {
      meta.setUint16(blocksAt * CLUSTER + cluster * 2, 1);
    }
  }

  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const at = offset + done;
      const within = at % CLUSTER;
      const count = Math.min(CLUSTER - within, length - done);
      const index = Math.floor(at / CLUSTER);
      if (at < this.#metadata.length) {
        out.set(this.#metadata.subarray(at, at + count), done);
      } else {
        const guest = this.#data[index - this.#metadata.length / CLUSTER];
        if (guest !== undefined) out.set(this.#guest.read(guest * CLUSTER + within, count), done);
      }
      done += count;
    }
    return out;
  }

  allocatedIn(offset: number, length: number): boolean {
    return offset < this.size && length > 0;
  }

  extents(size: number): ImageExtent[] {
    const data = Math.min(size, this.size);
    const extents: ImageExtent[] = data > 0 ? [{ start: 0, length: data, zero: false }] : [];
    if (size > data) extents.push({ start: data, length: size - data, zero: true });
    return extents;
  }
}

/** The guest clusters of `guest`'s first `virtualSize` bytes that hold data, in order. */
function allocatedClusters(guest: SparseImage, virtualSize: number): number[] {
  const clusters: number[] = [];
  const step = 16 * CLUSTER; // the image store allocates 1 MiB at a time
  for (let start = 0; start < virtualSize; start += step) {
    if (!guest.allocatedIn(start, Math.min(step, virtualSize - start))) continue;
    for (let at = start; at < Math.min(start + step, virtualSize); at += CLUSTER) {
      if (guest.allocatedIn(at, Math.min(CLUSTER, virtualSize - at))) clusters.push(at / CLUSTER);
    }
  }
  return clusters;
}
