/**
 * Small qcow2 images built by hand, for the tests of probing and uploading images: the
 * header, an L1 table at cluster 1, one L2 table at cluster 2, and the shape's flaws.
 *
 * @module
 */

/** The cluster size of {@link qcow2}'s images: 64 KiB. */
export const CLUSTER = 65536;
const MIB = 1024 * 1024;

/** What the image is like: its version and virtual size (default 3, 64 MiB), and its flaws. */
export interface QcowShape {
  version?: number;
  size?: number;
  backing?: string;
  crypt?: number;
  incompatible?: bigint;
  compressed?: boolean;
}

/** A small qcow2 image built by hand: header, L1 table at cluster 1, one L2 table at cluster 2. */
export function qcow2(shape: QcowShape = {}): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(4 * CLUSTER);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x514649fb);
  view.setUint32(4, shape.version ?? 3);
  if (shape.backing) {
    view.setBigUint64(8, 112n);
    view.setUint32(16, shape.backing.length);
    bytes.set(new TextEncoder().encode(shape.backing), 112);
  }
  view.setUint32(20, 16); // 64 KiB clusters
  view.setBigUint64(24, BigInt(shape.size ?? 64 * MIB));
  view.setUint32(32, shape.crypt ?? 0);
  view.setUint32(36, 1); // one L1 entry
  view.setBigUint64(40, BigInt(CLUSTER));
  view.setBigUint64(72, shape.incompatible ?? 0n);
  view.setUint32(100, 112);
  view.setBigUint64(CLUSTER, (1n << 63n) | BigInt(2 * CLUSTER)); // L1[0] -> L2 at cluster 2
  const entry = shape.compressed
    ? (1n << 62n) | BigInt(3 * CLUSTER)
    : (1n << 63n) | BigInt(3 * CLUSTER);
  view.setBigUint64(2 * CLUSTER + 8 * 5, entry);
  return bytes;
}
