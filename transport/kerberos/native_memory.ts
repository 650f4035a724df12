/**
 * Memory outside the JavaScript heap for GSS-API calls, taken from the C library's `calloc`
 * and given back with `free`: structures, handles and bytes the library reads or writes,
 * sometimes across several calls, must not move while it holds their address (V8 may move a
 * small typed array).
 *
 * @module
 */

import { openLibrary } from "./native_library.ts";

/** The file name of the C library. */
export const LIBC = "libc.so.6";

/** The C library functions that allocate and free memory. */
const LIBC_SYMBOLS = {
  calloc: { parameters: ["usize", "usize"], result: "pointer" },
  free: { parameters: ["pointer"], result: "void" },
} as const;

type Libc = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>["symbols"];

let libc: Libc | undefined;

/**
 * Opens the C library on first use (glibc: Deno runs on nothing else on Linux). Throws
 * `LibraryNotOpened`.
 */
export function openLibc(): void {
  libc ??= openLibrary(LIBC, LIBC_SYMBOLS).symbols;
}

function symbols(): Libc {
  openLibc();
  return libc!;
}

/** The size of a pointer, `size_t` and the other 64-bit members, in bytes. */
export const POINTER_SIZE = 8;

/**
 * A zeroed block of native memory with little-endian accessors. Call {@link NativeBlock.free}
 * once the library no longer uses it.
 */
export class NativeBlock {
  /** The address of the first byte. */
  readonly pointer: Deno.PointerObject;
  readonly #view: DataView;

  /** Allocates `size` zeroed bytes (at least one). */
  constructor(size: number) {
    const pointer = symbols().calloc(1n, BigInt(Math.max(size, 1)));
    if (pointer === null) throw new RangeError(`Cannot allocate ${size} bytes of native memory`);
    this.pointer = pointer;
    this.#view = new DataView(Deno.UnsafePointerView.getArrayBuffer(pointer, Math.max(size, 1)));
  }

  /** A block holding a copy of `bytes`. */
  static of(bytes: Uint8Array): NativeBlock {
    const block = new NativeBlock(bytes.length);
    block.setBytes(0, bytes);
    return block;
  }

  /** Copies `bytes` to `offset`. */
  setBytes(offset: number, bytes: Uint8Array): void {
    new Uint8Array(this.#view.buffer, offset, bytes.length).set(bytes);
  }

  /** The address of the byte at `offset`. */
  at(offset: number): Deno.PointerObject {
    return offset === 0 ? this.pointer : Deno.UnsafePointer.offset(this.pointer, offset)!;
  }

  /** The unsigned 32-bit value at `offset`. */
  u32(offset: number): number {
    return this.#view.getUint32(offset, true);
  }

  /** Writes an unsigned 32-bit value at `offset`. */
  setU32(offset: number, value: number): void {
    this.#view.setUint32(offset, value, true);
  }

  /** The pointer stored at `offset` (`null` for a null pointer). */
  pointerAt(offset: number): Deno.PointerValue {
    return Deno.UnsafePointer.create(this.#view.getBigUint64(offset, true));
  }

  /** Stores `pointer` (or a null pointer) at `offset`. */
  setPointer(offset: number, pointer: Deno.PointerValue): void {
    this.#view.setBigUint64(offset, BigInt(Deno.UnsafePointer.value(pointer)), true);
  }

  /** Stores a 64-bit size at `offset`. */
  setSize(offset: number, size: number): void {
    this.#view.setBigUint64(offset, BigInt(size), true);
  }

  /** The 64-bit size at `offset`. */
  size(offset: number): number {
    return Number(this.#view.getBigUint64(offset, true));
  }

  /** Gives the memory back; the block must not be used afterwards. */
  free(): void {
    symbols().free(this.pointer);
  }
}

/** A copy of `length` bytes the library wrote at `pointer`. */
export function copyBytes(pointer: Deno.PointerValue, length: number): Uint8Array {
  if (pointer === null || length === 0) return new Uint8Array(0);
  return new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(pointer, length).slice(0));
}
