/**
 * The bytes of disk images written through image transfers: sparse, in 1 MiB chunks, so
 * that only areas written with data take memory; unwritten areas, and zeros written where
 * nothing was, read as zeros without being allocated.
 *
 * @module
 */

import { isZero } from "../helpers/transfer/zero.ts";
import type { ImageTraffic, TransferQuirks } from "./transfer_quirks.ts";

const CHUNK = 1024 * 1024;

/** An extent of an image as imageio reports it: data, or an area that reads as zeros. */
export interface ImageExtent {
  /** Offset of its first byte. */
  start: number;
  /** Its length in bytes. */
  length: number;
  /** Whether it reads as zeros. */
  zero: boolean;
}

/** Bytes a transfer reads: an image as it is held, or another view of it. */
export interface ImageBytes {
  /** Reads `length` bytes at `offset`. */
  read(offset: number, length: number): Uint8Array;
  /** Whether any of the `length` bytes at `offset` may hold data (else they read as zeros). */
  allocatedIn(offset: number, length: number): boolean;
  /** The data and zero extents of the first `size` bytes, adjacent ones of a kind merged. */
  extents(size: number): ImageExtent[];
}

/**
 * One disk's image: the guest's bytes, or (for a `cow` disk whose qcow2 file was uploaded
 * as it is) the bytes of that qcow2 file.
 */
export class SparseImage implements ImageBytes {
  readonly #chunks = new Map<number, Uint8Array>();
  #end = 0;
  /** Whether this holds a qcow2 file rather than the guest's bytes. */
  qcow2 = false;

  /** One past the last byte ever written. */
  get end(): number {
    return this.#end;
  }

  /** Bytes held in memory (allocated chunks). */
  get allocated(): number {
    return this.#chunks.size * CHUNK;
  }

  /** Writes `bytes` at `offset`. */
  write(offset: number, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const at = offset + done;
      const index = Math.floor(at / CHUNK);
      const within = at - index * CHUNK;
      const count = Math.min(CHUNK - within, bytes.length - done);
      const piece = bytes.subarray(done, done + count);
      let chunk = this.#chunks.get(index);
      if (!chunk && !isZero(piece)) this.#chunks.set(index, chunk = new Uint8Array(CHUNK));
      chunk?.set(piece, within);
      done += count;
    }
    this.#end = Math.max(this.#end, offset + bytes.length);
  }

  /** Zeroes `length` bytes at `offset` (dropping whole chunks). */
  zero(offset: number, length: number): void {
    let done = 0;
    while (done < length) {
      const at = offset + done;
      const index = Math.floor(at / CHUNK);
      const within = at - index * CHUNK;
      const count = Math.min(CHUNK - within, length - done);
      if (count === CHUNK) this.#chunks.delete(index);
      else this.#chunks.get(index)?.fill(0, within, within + count);
      done += count;
    }
  }

  /** Whether any byte of the `length` bytes at `offset` lies in an allocated chunk. */
  allocatedIn(offset: number, length: number): boolean {
    const last = Math.floor((offset + length - 1) / CHUNK);
    for (let index = Math.floor(offset / CHUNK); index <= last; index++) {
      if (this.#chunks.has(index)) return true;
    }
    return false;
  }

  /** The data and zero extents of the first `size` bytes, adjacent ones of a kind merged. */
  extents(size: number): ImageExtent[] {
    const extents: ImageExtent[] = [];
    for (let start = 0; start < size; start += CHUNK) {
      const length = Math.min(CHUNK, size - start);
      const zero = !this.#chunks.has(start / CHUNK);
      const last = extents.at(-1);
      if (last && last.zero === zero) last.length += length;
      else extents.push({ start, length, zero });
    }
    return extents;
  }

  /** Drops the chunks that hold only zeros (what sparsifying a disk frees). */
  dropZeroChunks(): void {
    for (const [index, chunk] of this.#chunks) {
      if (chunk.every((byte) => byte === 0)) this.#chunks.delete(index);
    }
  }

  /** A copy of this image. */
  clone(): SparseImage {
    const copy = new SparseImage();
    for (const [index, chunk] of this.#chunks) copy.#chunks.set(index, chunk.slice());
    copy.#end = this.#end;
    copy.qcow2 = this.qcow2;
    return copy;
  }

  /** Reads `length` bytes at `offset` (at most one chunk's worth is copied per call). */
  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const at = offset + done;
      const index = Math.floor(at / CHUNK);
      const within = at - index * CHUNK;
      const count = Math.min(CHUNK - within, length - done);
      const chunk = this.#chunks.get(index);
      if (chunk) out.set(chunk.subarray(within, within + count), done);
      done += count;
    }
    return out;
  }
}

/** Images by disk id, and by the id of the layer a disk snapshot froze. */
export class ImageStore {
  readonly #images = new Map<string, SparseImage>();
  /** How transfers misbehave (switched per test). */
  quirks: TransferQuirks = {};
  /** What the image daemon has seen. */
  readonly traffic: ImageTraffic = {
    requests: {},
    maxInFlight: 0,
    bytesWritten: 0,
    dataRequests: 0,
  };
  /** A port on 127.0.0.1 nothing listens on, for the `transfer_url` of an unreachable host. */
  deadPort = 1;
  /**
   * Where `transfer_url` points (the host's daemon), when not where the API answers (which
   * `proxy_url` always names, like the engine's proxy).
   */
  daemonOrigin?: string;

  /** The image of disk `diskId` (created empty on first use). */
  of(diskId: string): SparseImage {
    let image = this.#images.get(diskId);
    if (!image) this.#images.set(diskId, image = new SparseImage());
    return image;
  }

  /** Makes `image` the image of disk `diskId` (what it held is forgotten). */
  set(diskId: string, image: SparseImage): void {
    this.#images.set(diskId, image);
  }

  /** Makes image `to` a copy of image `from` (a snapshot's frozen bytes). */
  copy(from: string, to: string): void {
    this.#images.set(to, this.of(from).clone());
  }

  /** Forgets the image of disk `diskId`. */
  delete(diskId: string): void {
    this.#images.delete(diskId);
  }
}
