/**
 * Opens a system library for Kerberos login, telling Deno's permissions apart from a missing
 * library. The SDK reads and writes native memory through `Deno.UnsafePointer` and
 * `Deno.UnsafePointerView`, which Deno allows only with `--allow-ffi` for every path
 * (denoland/deno#15511): `--allow-ffi=<paths>` cannot work, however precise.
 *
 * @module
 */

/** Why a library could not be opened: Deno's permissions, or the system lacks it. */
export class LibraryNotOpened extends Error {
  /** Whether the script lacks `--allow-ffi` (for every path). */
  readonly refused: boolean;

  /** `refused` when Deno's permissions are what is missing; `cause` is the failure. */
  constructor(file: string, refused: boolean, cause?: unknown) {
    super(`Cannot open ${file}`, { cause });
    this.name = "LibraryNotOpened";
    this.refused = refused;
  }
}

/**
 * Opens `file` (`libgssapi_krb5.so.2`) with `symbols`, found by the dynamic linker, once the
 * script holds `--allow-ffi` for every path (asked for on a terminal that prompts). Throws
 * {@link LibraryNotOpened}.
 */
export function openLibrary<S extends Deno.ForeignLibraryInterface>(
  file: string,
  symbols: S,
): Deno.DynamicLibrary<S> {
  let { state } = Deno.permissions.querySync({ name: "ffi" });
  if (state === "prompt") state = Deno.permissions.requestSync({ name: "ffi" }).state;
  if (state !== "granted") throw new LibraryNotOpened(file, true);
  try {
    return Deno.dlopen(file, symbols);
  } catch (error) {
    throw new LibraryNotOpened(file, false, error);
  }
}
