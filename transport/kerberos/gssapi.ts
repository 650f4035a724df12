/**
 * The system's GSS-API (MIT Kerberos' `libgssapi_krb5.so.2`) through Deno's FFI, opened on
 * first use only: nothing here touches FFI when the module loads, so scripts that never ask
 * for Kerberos need no `--allow-ffi`.
 *
 * Layouts are those of 64-bit Linux: `OM_uint32` is 32 bits, pointers and `size_t` 64.
 *
 * @module
 */

import { AuthError } from "../errors.ts";
import { copyBytes, LIBC, NativeBlock, openLibc, POINTER_SIZE } from "./native_memory.ts";
import { LibraryNotOpened, openLibrary } from "./native_library.ts";

/** The file name of MIT Kerberos' GSS-API library. */
export const GSSAPI_LIBRARY = "libgssapi_krb5.so.2";
/** The file name of MIT Kerberos' own library, which reads credential caches. */
export const KRB5_LIBRARY = "libkrb5.so.3";
/** Every library a Kerberos login opens. */
export const KERBEROS_LIBRARIES = [GSSAPI_LIBRARY, KRB5_LIBRARY, LIBC] as const;

/**
 * The parameters of `gss_acquire_cred_from`: minor status, name, time, mechanisms, usage, cred
 * store, output credential, actual mechanisms, time left.
 */
const ACQUIRE_CRED_FROM = [
  "pointer",
  "pointer",
  "u32",
  "pointer",
  "i32",
  "pointer",
  "pointer",
  "pointer",
  "pointer",
] as const;

const GSSAPI_SYMBOLS = {
  gss_import_name: { parameters: ["pointer", "pointer", "pointer", "pointer"], result: "u32" },
  gss_display_name: { parameters: ["pointer", "pointer", "pointer", "pointer"], result: "u32" },
  gss_release_name: { parameters: ["pointer", "pointer"], result: "u32" },
  gss_release_buffer: { parameters: ["pointer", "pointer"], result: "u32" },
  gss_release_cred: { parameters: ["pointer", "pointer"], result: "u32" },
  gss_delete_sec_context: { parameters: ["pointer", "pointer", "pointer"], result: "u32" },
  gss_display_status: {
    parameters: ["pointer", "u32", "i32", "pointer", "pointer", "pointer"],
    result: "u32",
  },
  // minor, cred, context, target, mech, flags, time, bindings, input, actual mech, output,
  // returned flags, time left. It may talk to the KDC: run it off the event loop.
  gss_init_sec_context: {
    parameters: [
      "pointer",
      "pointer",
      "pointer",
      "pointer",
      "pointer",
      "u32",
      "u32",
      "pointer",
      "pointer",
      "pointer",
      "pointer",
      "pointer",
      "pointer",
    ],
    result: "u32",
    nonblocking: true,
  },
  // minor, context, acceptor cred, input, bindings, source name, mech, output, flags,
  // time left, delegated cred.
  gss_accept_sec_context: {
    parameters: [
      "pointer",
      "pointer",
      "pointer",
      "pointer",
      "pointer",
      "pointer",
      "pointer",
      "pointer",
      "pointer",
      "pointer",
      "pointer",
    ],
    result: "u32",
    nonblocking: true,
  },
  gss_acquire_cred_from: {
    parameters: ACQUIRE_CRED_FROM,
    result: "u32",
  },
  // The same, off the event loop: with a client keytab it may ask the KDC for a ticket.
  gss_acquire_cred_from_async: {
    name: "gss_acquire_cred_from",
    parameters: ACQUIRE_CRED_FROM,
    result: "u32",
    nonblocking: true,
  },
} as const;

/** The GSS-API functions the SDK and the simulator call. */
export type GssSymbols = Deno.DynamicLibrary<typeof GSSAPI_SYMBOLS>["symbols"];

/** An opened GSS-API: its functions and the object identifiers they take. */
export interface Gssapi {
  /** The library's functions. */
  readonly symbols: GssSymbols;
  /** `gss_OID` of SPNEGO (1.3.6.1.5.5.2), the mechanism of HTTP `Negotiate`. */
  readonly spnego: Deno.PointerObject;
  /** `gss_OID` of the `service@host` name type (1.2.840.113554.1.2.1.4). */
  readonly hostBasedService: Deno.PointerObject;
}

/** Size of a `gss_buffer_desc` and of a `gss_OID_desc` (a length and a pointer). */
export const DESCRIPTOR_SIZE = 16;

/** `GSS_S_CONTINUE_NEEDED`: a supplementary status, not an error. */
export const GSS_S_CONTINUE_NEEDED = 1;
/** `GSS_C_INITIATE`: a credential for initiating contexts (logging in). */
export const GSS_C_INITIATE = 1;
/** `GSS_C_ACCEPT`: a credential for accepting contexts. */
export const GSS_C_ACCEPT = 2;

/** GSS-API routine errors (bits 16 to 23 of a major status) the SDK explains. */
export const RoutineError = {
  BAD_NAME: 2,
  NO_CRED: 7,
  DEFECTIVE_TOKEN: 9,
  CREDENTIALS_EXPIRED: 11,
  FAILURE: 13,
} as const;

/** Whether a major status is an error (calling or routine error bits set). */
export function isFailure(major: number): boolean {
  return (major & 0xffff0000) !== 0;
}

/** The routine error of a major status (0 when there is none). */
export function routineError(major: number): number {
  return (major >>> 16) & 0xff;
}

const SPNEGO_OID = [0x2b, 0x06, 0x01, 0x05, 0x05, 0x02];
const HOST_BASED_SERVICE_OID = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x01, 0x04];

const opened = new Map<string, Gssapi>();

/**
 * Opens the GSS-API `library` (once per process). Rejects with an {@link AuthError} telling
 * what to do when Deno may not use FFI or the library is not installed.
 */
export function openGssapi(library: string = GSSAPI_LIBRARY): Gssapi {
  const known = opened.get(library);
  if (known) return known;
  let symbols: GssSymbols;
  try {
    symbols = openLibrary(library, GSSAPI_SYMBOLS).symbols;
    openLibc();
  } catch (error) {
    throw openingError(library, error);
  }
  // Object identifiers live as long as the process: GSS-API may keep their addresses.
  const gssapi = {
    symbols,
    spnego: objectIdentifier(SPNEGO_OID),
    hostBasedService: objectIdentifier(HOST_BASED_SERVICE_OID),
  };
  opened.set(library, gssapi);
  return gssapi;
}

/**
 * The {@link AuthError} for a Kerberos library (`library`) that could not be opened: the
 * permission to grant, or the packages to install.
 */
export function openingError(library: string, error: unknown): AuthError {
  if (error instanceof LibraryNotOpened && error.refused) {
    return new AuthError(
      "Kerberos login calls the system's Kerberos libraries " +
        `(${KERBEROS_LIBRARIES.join(", ")}) through Deno's FFI: run the script with ` +
        "--allow-ffi, for every path (Deno allows the native memory access the SDK needs " +
        "only so: --allow-ffi=<paths> is not enough)",
      { cause: error },
    );
  }
  return new AuthError(
    `Kerberos login needs MIT Kerberos' library ${library}, which could not be ` +
      "loaded: install it (Debian and Ubuntu: apt-get install libgssapi-krb5-2; Fedora and " +
      "RHEL: dnf install krb5-libs) and the Kerberos tools to run kinit (krb5-user, " +
      "krb5-workstation)",
    { cause: error },
  );
}

/** A `gss_OID_desc` with its bytes, in memory that is never freed. */
function objectIdentifier(bytes: number[]): Deno.PointerObject {
  const elements = NativeBlock.of(new Uint8Array(bytes));
  const descriptor = new NativeBlock(DESCRIPTOR_SIZE);
  descriptor.setU32(0, bytes.length);
  descriptor.setPointer(POINTER_SIZE, elements.pointer);
  return descriptor.pointer;
}

/** Writes a `gss_buffer_desc` for `bytes` at `offset` of `block`; free the returned block. */
export function describeBytes(block: NativeBlock, offset: number, bytes: Uint8Array): NativeBlock {
  const data = NativeBlock.of(bytes);
  block.setSize(offset, bytes.length);
  block.setPointer(offset + POINTER_SIZE, data.pointer);
  return data;
}

/** A copy of the bytes of the `gss_buffer_desc` at `offset`, which is then released. */
export function takeBuffer(gssapi: Gssapi, block: NativeBlock, offset: number): Uint8Array {
  const value = block.pointerAt(offset + POINTER_SIZE);
  const bytes = copyBytes(value, block.size(offset));
  if (value !== null) releaseBuffer(gssapi, block.at(offset));
  return bytes;
}

function releaseBuffer(gssapi: Gssapi, buffer: Deno.PointerObject): void {
  const minor = new NativeBlock(4);
  try {
    gssapi.symbols.gss_release_buffer(minor.pointer, buffer);
  } finally {
    minor.free();
  }
}

const GSS_C_GSS_CODE = 1;
const GSS_C_MECH_CODE = 2;

/**
 * GSS-API's own words for a failure: the texts of the major status, then of the
 * mechanism's minor status, each without the NUL MIT may end them with.
 */
export function statusTexts(gssapi: Gssapi, major: number, minor: number): string[] {
  const texts = describeStatus(gssapi, major, GSS_C_GSS_CODE);
  return minor === 0 ? texts : [...texts, ...describeStatus(gssapi, minor, GSS_C_MECH_CODE)];
}

/** The lines `gss_display_status` gives for one status value (at most eight). */
function describeStatus(gssapi: Gssapi, status: number, type: number): string[] {
  // minor (4) | message context (4) | status string (16)
  const block = new NativeBlock(8 + DESCRIPTOR_SIZE);
  const texts: string[] = [];
  try {
    do {
      const major = gssapi.symbols.gss_display_status(
        block.pointer,
        status,
        type,
        null,
        block.at(4),
        block.at(8),
      );
      if (isFailure(major)) break;
      const text = new TextDecoder().decode(takeBuffer(gssapi, block, 8)).replace(/\0+$/, "");
      if (text !== "") texts.push(text);
    } while (block.u32(4) !== 0 && texts.length < 8);
  } finally {
    block.free();
  }
  return texts;
}
