/**
 * The user's credential cache, checked with MIT Kerberos' own library (`libkrb5.so.3`)
 * before GSS-API uses it: which cache (`KRB5CCNAME` or `krb5.conf`'s default), whether it
 * can be read, and whose tickets it holds. GSS-API is then handed that one cache: left to
 * choose, MIT 1.20 walks the whole cache collection, and a cache there it cannot read makes
 * it free memory it never set (the process dies of SIGSEGV).
 *
 * @module
 */

import { AuthError } from "../errors.ts";
import { KRB5_LIBRARY, openingError } from "./gssapi.ts";
import { NativeBlock, openLibc, POINTER_SIZE } from "./native_memory.ts";
import { openLibrary } from "./native_library.ts";

const KRB5_SYMBOLS = {
  krb5_init_context: { parameters: ["pointer"], result: "i32" },
  krb5_free_context: { parameters: ["pointer"], result: "void" },
  krb5_cc_default: { parameters: ["pointer", "pointer"], result: "i32" },
  krb5_cc_get_full_name: { parameters: ["pointer", "pointer", "pointer"], result: "i32" },
  krb5_free_string: { parameters: ["pointer", "pointer"], result: "void" },
  krb5_cc_get_principal: { parameters: ["pointer", "pointer", "pointer"], result: "i32" },
  krb5_free_principal: { parameters: ["pointer", "pointer"], result: "void" },
  krb5_unparse_name: { parameters: ["pointer", "pointer", "pointer"], result: "i32" },
  krb5_free_unparsed_name: { parameters: ["pointer", "pointer"], result: "void" },
  krb5_cc_close: { parameters: ["pointer", "pointer"], result: "i32" },
  krb5_get_host_realm: { parameters: ["pointer", "buffer", "pointer"], result: "i32" },
  krb5_free_host_realm: { parameters: ["pointer", "pointer"], result: "i32" },
  krb5_get_error_message: { parameters: ["pointer", "i32"], result: "pointer" },
  krb5_free_error_message: { parameters: ["pointer", "pointer"], result: "void" },
} as const;

type Krb5 = Deno.DynamicLibrary<typeof KRB5_SYMBOLS>["symbols"];

let krb5: Krb5 | undefined;

/** Opens `libkrb5.so.3` once; throws an {@link AuthError} saying what to do. */
function openKrb5(): Krb5 {
  try {
    openLibc();
    krb5 ??= openLibrary(KRB5_LIBRARY, KRB5_SYMBOLS).symbols;
  } catch (error) {
    throw openingError(KRB5_LIBRARY, error);
  }
  return krb5;
}

/** krb5 error codes (`krb5_err.et`) the checks tell apart. */
const Krb5Error = {
  CONFIG_CANTOPEN: -1765328249,
  CONFIG_BADFORMAT: -1765328248,
  CC_NOTFOUND: -1765328243,
  FCC_PERM: -1765328190,
  FCC_NOFILE: -1765328189,
} as const;

/** The cache a login uses and the user it holds tickets of. */
export interface CredentialCache {
  /** The cache's full name (`FILE:/tmp/krb5cc_1000`, the primary cache of a `DIR:`). */
  readonly name: string;
  /** The user's principal (`alice@EXAMPLE.COM`). */
  readonly principal: string;
}

/**
 * Finds the default credential cache and checks that it names a user. Throws an
 * {@link AuthError} naming the cache and what to do when it is missing, empty, damaged or
 * unreadable, or when `krb5.conf` cannot be read.
 */
export function defaultCache(): CredentialCache {
  return withContext(inspect);
}

/**
 * The realm `krb5.conf` (`domain_realm`) gives the service's `host`, `""` when it leaves that
 * to the KDC.
 */
export function serviceRealm(host: string): string {
  return withContext((symbols, context) => hostRealm(symbols, context, host));
}

/**
 * Runs `work` with a Kerberos context (which reads `krb5.conf`) and a zeroed block of four
 * pointers for its results.
 */
function withContext<T>(
  work: (symbols: Krb5, context: Deno.PointerObject, block: NativeBlock) => T,
): T {
  const symbols = openKrb5();
  // context (8) | cache (8) | principal (8) | string (8)
  const block = new NativeBlock(4 * POINTER_SIZE);
  try {
    const started = symbols.krb5_init_context(block.pointer);
    if (started !== 0) throw configurationError(symbols, started);
    const context = block.pointerAt(0)!;
    try {
      return work(symbols, context, block);
    } finally {
      symbols.krb5_free_context(context);
    }
  } finally {
    block.free();
  }
}

function inspect(symbols: Krb5, context: Deno.PointerObject, block: NativeBlock): CredentialCache {
  const resolved = symbols.krb5_cc_default(context, block.at(8));
  if (resolved !== 0) throw unnamedCacheError(message(symbols, context, resolved));
  const cache = block.pointerAt(8)!;
  try {
    const named = symbols.krb5_cc_get_full_name(context, cache, block.at(24));
    if (named !== 0) throw unnamedCacheError(message(symbols, context, named));
    const name = takeString(context, block, 24, symbols.krb5_free_string);
    const read = symbols.krb5_cc_get_principal(context, cache, block.at(16));
    if (read !== 0) throw cacheError(name, read, message(symbols, context, read));
    const principal = block.pointerAt(16)!;
    try {
      const unparsed = symbols.krb5_unparse_name(context, principal, block.at(24));
      if (unparsed !== 0) throw cacheError(name, unparsed, message(symbols, context, unparsed));
      const user = takeString(context, block, 24, symbols.krb5_free_unparsed_name);
      return { name, principal: user };
    } finally {
      symbols.krb5_free_principal(context, principal);
    }
  } finally {
    symbols.krb5_cc_close(context, cache);
  }
}

/** The realm `krb5.conf` (`domain_realm`) maps `host` to, `""` when none. */
function hostRealm(symbols: Krb5, context: Deno.PointerObject, host: string): string {
  const list = new NativeBlock(POINTER_SIZE);
  try {
    const code = symbols.krb5_get_host_realm(
      context,
      new TextEncoder().encode(`${host}\0`),
      list.pointer,
    );
    const realms = list.pointerAt(0);
    if (code !== 0 || realms === null) return "";
    const first = new Deno.UnsafePointerView(realms).getPointer(0);
    const realm = first === null ? "" : new Deno.UnsafePointerView(first).getCString();
    symbols.krb5_free_host_realm(context, realms);
    return realm;
  } finally {
    list.free();
  }
}

/** The C string whose address is at `offset` of `block`, freed with `free` afterwards. */
function takeString(
  context: Deno.PointerObject,
  block: NativeBlock,
  offset: number,
  free: Krb5["krb5_free_string"],
): string {
  const pointer = block.pointerAt(offset)!;
  try {
    return new Deno.UnsafePointerView(pointer).getCString();
  } finally {
    free(context, pointer);
  }
}

/** Kerberos' own words for `code`. */
function message(symbols: Krb5, context: Deno.PointerValue, code: number): string {
  const pointer = symbols.krb5_get_error_message(context, code);
  if (pointer === null) return `Kerberos error ${code}`;
  try {
    return new Deno.UnsafePointerView(pointer).getCString();
  } finally {
    symbols.krb5_free_error_message(context, pointer);
  }
}

/** The error for a default credential cache that cannot be found or named (`text`). */
function unnamedCacheError(text: string): AuthError {
  return new AuthError(
    `Kerberos login cannot find the credential cache (Kerberos: ${text}): check KRB5CCNAME ` +
      "(or default_ccache_name in krb5.conf), then run kinit",
  );
}

/** The error for a `krb5.conf` that cannot be read or understood (`code`). */
function configurationError(symbols: Krb5, code: number): AuthError {
  const known = code === Krb5Error.CONFIG_BADFORMAT || code === Krb5Error.CONFIG_CANTOPEN;
  return new AuthError(
    `Kerberos login cannot read its configuration (${message(symbols, null, code)}): ` +
      `check the file KRB5_CONFIG names, or /etc/krb5.conf${known ? "" : ", and its permissions"}`,
  );
}

/** The error for a credential cache `name` whose principal could not be read (`code`). */
function cacheError(name: string, code: number, text: string): AuthError {
  const detail = `(Kerberos: ${text})`;
  if (code === Krb5Error.FCC_NOFILE || code === Krb5Error.CC_NOTFOUND) {
    return new AuthError(
      `Kerberos login found no credential cache ${name} ${detail}: there is no Kerberos ` +
        "ticket to log in with: run kinit first (or point KRB5CCNAME at your credential cache)",
    );
  }
  if (code === Krb5Error.FCC_PERM) {
    return new AuthError(
      `Kerberos login cannot read the credential cache ${name} ${detail}${owner(name)}: ` +
        "it may belong to another user (a kinit run as root or through sudo); remove it or " +
        "give it back to this user (chmod 600, owned by you), or point KRB5CCNAME at your " +
        "own cache, then run kinit",
    );
  }
  return new AuthError(
    `Kerberos login cannot use the credential cache ${name}, which is empty or damaged ` +
      `${detail}: run kinit to write it anew (kdestroy first if kinit fails), or point ` +
      "KRB5CCNAME at another cache",
  );
}

/** `, owned by user 0 with mode 600` when the script may look at the cache's file. */
function owner(name: string): string {
  const path = /^(?:FILE:|DIR::)?(\/.*)$/.exec(name)?.[1];
  if (path === undefined) return "";
  if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") return "";
  try {
    const { uid, mode } = Deno.statSync(path);
    if (uid === null || mode === null) return "";
    return `, owned by user ${uid} with mode ${(mode & 0o777).toString(8)}`;
  } catch {
    return "";
  }
}
