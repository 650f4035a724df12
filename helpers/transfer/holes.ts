/**
 * Where a source file's data is, without reading it: `lseek` with `SEEK_DATA`/`SEEK_HOLE`
 * through Deno's FFI (libc) when `--allow-ffi` is granted, else `qemu-img map
 * --output=json` when it may run and is installed, else the whole file counts as data
 * (the uploader then finds zeros as it reads, {@link ZERO_STEP} at a time). FFI is only
 * touched when asked for a map, never when the module loads.
 *
 * @module
 */

import { ZERO_STEP } from "./zero.ts";

/** An area of a file: data, or zeros (a hole, or zeros the filesystem knows of). */
export interface Extent {
  /** Offset of its first byte. */
  start: number;
  /** Its length in bytes. */
  length: number;
  /** Whether it reads as zeros. */
  zero: boolean;
}

/** How a map was made: `seek` (FFI `lseek`), `qemu-img`, or `scan` (no map: all data). */
export type MapMethod = "seek" | "qemu-img" | "scan";

/** The extents of a file covering `[0, size)`, and how they were found. */
export interface FileMap {
  /** Adjacent, in order, covering the file. */
  extents: Extent[];
  /** How they were found. */
  method: MapMethod;
}

/** Which methods {@link mapFile} may try (all by default; for tests and benchmarks). */
export interface MapOptions {
  /** Methods to try, in this order (default `["seek", "qemu-img"]`, then always `scan`). */
  methods?: readonly Exclude<MapMethod, "scan">[];
}

/** Maps the first `size` bytes of the file at `path` into data and zero extents. */
export async function mapFile(
  path: string,
  size: number,
  options: MapOptions = {},
): Promise<FileMap> {
  for (const method of options.methods ?? ["seek", "qemu-img"]) {
    const extents = method === "seek" ? seekMap(path, size) : await qemuImgMap(path, size);
    if (extents) return { extents: normalized(extents, size), method };
  }
  return { extents: size === 0 ? [] : [{ start: 0, length: size, zero: false }], method: "scan" };
}

/** `SEEK_DATA` and `SEEK_HOLE` of the platforms whose libc this module knows. */
const SEEK_CONSTANTS: Partial<
  Record<typeof Deno.build.os, { lib: string; data: number; hole: number }>
> = {
  linux: { lib: "libc.so.6", data: 3, hole: 4 },
  darwin: { lib: "libSystem.dylib", data: 4, hole: 3 },
};

/** The map from `lseek`, or `undefined` when FFI is not granted or not usable here. */
function seekMap(path: string, size: number): Extent[] | undefined {
  const platform = SEEK_CONSTANTS[Deno.build.os];
  if (!platform || Deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    return undefined;
  }
  let lib;
  try {
    lib = Deno.dlopen(platform.lib, {
      open: { parameters: ["buffer", "i32"], result: "i32" },
      lseek: { parameters: ["i32", "i64", "i32"], result: "i64" },
      close: { parameters: ["i32"], result: "i32" },
    });
  } catch {
    return undefined;
  }
  try {
    const fd = lib.symbols.open(new TextEncoder().encode(`${path}\0`), 0);
    if (fd < 0) return undefined;
    try {
      const seek = (offset: number, whence: number) =>
        Number(lib.symbols.lseek(fd, BigInt(offset), whence));
      if (seek(0, platform.hole) < 0) return undefined; // no SEEK_HOLE on this filesystem
      const extents: Extent[] = [];
      let offset = 0;
      while (offset < size) {
        // -1 from SEEK_DATA: no data after `offset` (ENXIO), the rest is a hole.
        const data = Math.min(seek(offset, platform.data), size);
        const dataStart = data < 0 ? size : data;
        if (dataStart > offset) {
          extents.push({ start: offset, length: dataStart - offset, zero: true });
        }
        if (dataStart >= size) break;
        const hole = seek(dataStart, platform.hole);
        const dataEnd = hole < 0 ? size : Math.min(hole, size);
        extents.push({ start: dataStart, length: dataEnd - dataStart, zero: false });
        offset = dataEnd;
      }
      return extents;
    } finally {
      lib.symbols.close(fd);
    }
  } finally {
    lib.close();
  }
}

/** The map from `qemu-img map --output=json -f raw`, or `undefined` if it cannot run. */
async function qemuImgMap(path: string, size: number): Promise<Extent[] | undefined> {
  if (Deno.permissions.querySync({ name: "run", command: "qemu-img" }).state !== "granted") {
    return undefined;
  }
  try {
    const output = await new Deno.Command("qemu-img", {
      args: ["map", "--output=json", "-f", "raw", path],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!output.success) return undefined;
    const entries = JSON.parse(new TextDecoder().decode(output.stdout)) as {
      start: number;
      length: number;
      data: boolean;
      zero: boolean;
    }[];
    return entries.map((entry) => ({
      start: entry.start,
      length: entry.length,
      zero: entry.zero || !entry.data,
    })).filter((extent) => extent.start < size);
  } catch {
    return undefined; // not installed, or an answer it should not give
  }
}

/**
 * `extents` clipped to `size`, adjacent ones of a kind merged, and data extents smaller
 * than a zero step between zeros kept as they are (a tiny hole is not worth a request).
 */
function normalized(extents: Extent[], size: number): Extent[] {
  const merged: Extent[] = [];
  let covered = 0;
  for (const extent of extents) {
    if (extent.start !== covered) return [{ start: 0, length: size, zero: false }]; // a gap: distrust
    const length = Math.min(extent.length, size - extent.start);
    if (length <= 0) break;
    const zero = extent.zero && length >= Math.min(ZERO_STEP, size);
    const last = merged.at(-1);
    if (last && last.zero === zero) last.length += length;
    else merged.push({ start: extent.start, length, zero });
    covered += length;
  }
  if (covered < size) merged.push({ start: covered, length: size - covered, zero: false });
  return merged;
}
