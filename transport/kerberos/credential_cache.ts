/**
 * The credential cache a login uses, chosen with MIT Kerberos' own library (`libkrb5.so.3`)
 * as GSS-API would choose it, then handed to GSS-API: the cache `krb5_cc_select` picks for
 * the service (krb5.conf's `ccselect` modules: `~/.k5identity`, the service's realm) among
 * the collection (`DIR:`, `KCM:`, `KEYRING:`), else the default one. The SDK walks the
 * collection first, with its own cursor: MIT 1.20, left to walk it, frees memory it never set
 * when a cache there cannot be read (the process dies of SIGSEGV). When one cannot be read,
 * the SDK picks the readable cache of the service's realm itself, else the default cache.
 *
 * Every call that may wait (a KCM daemon, a cache on NFS, DNS) runs off the event loop.
 *
 * @module
 */

import { AuthError } from "../errors.ts";
import { KRB5_LIBRARY, openingError } from "./gssapi.ts";
import { NativeBlock, openLibc, POINTER_SIZE } from "./native_memory.ts";
import { openLibrary } from "./native_library.ts";

const KRB5_SYMBOLS = {
  krb5_init_context: { parameters: ["pointer"], result: "i32", nonblocking: true },
  krb5_free_context: { parameters: ["pointer"], result: "void" },
  krb5_cc_default: { parameters: ["pointer", "pointer"], result: "i32", nonblocking: true },
  krb5_cc_get_full_name: { parameters: ["pointer", "pointer", "pointer"], result: "i32" },
  krb5_free_string: { parameters: ["pointer", "pointer"], result: "void" },
  krb5_cc_get_principal: {
    parameters: ["pointer", "pointer", "pointer"],
    result: "i32",
    nonblocking: true,
  },
  krb5_free_principal: { parameters: ["pointer", "pointer"], result: "void" },
  krb5_unparse_name: { parameters: ["pointer", "pointer", "pointer"], result: "i32" },
  krb5_free_unparsed_name: { parameters: ["pointer", "pointer"], result: "void" },
  krb5_cc_close: { parameters: ["pointer", "pointer"], result: "i32", nonblocking: true },
  krb5_cccol_cursor_new: { parameters: ["pointer", "pointer"], result: "i32", nonblocking: true },
  krb5_cccol_cursor_next: {
    parameters: ["pointer", "pointer", "pointer"],
    result: "i32",
    nonblocking: true,
  },
  krb5_cccol_cursor_free: { parameters: ["pointer", "pointer"], result: "i32" },
  // context, host, service, type, principal: may ask DNS for the host's canonical name.
  krb5_sname_to_principal: {
    parameters: ["pointer", "buffer", "buffer", "i32", "pointer"],
    result: "i32",
    nonblocking: true,
  },
  krb5_cc_select: {
    parameters: ["pointer", "pointer", "pointer", "pointer"],
    result: "i32",
    nonblocking: true,
  },
  krb5_get_host_realm: {
    parameters: ["pointer", "buffer", "pointer"],
    result: "i32",
    nonblocking: true,
  },
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
  /** The cache's full name (`FILE:/tmp/krb5cc_1000`, a cache of a `DIR:` collection). */
  readonly name: string;
  /** The user's principal (`alice@EXAMPLE.COM`). */
  readonly principal: string;
}

/**
 * The credential cache a login to the service `HTTP@<host>` uses, and whose tickets it holds;
 * `undefined` when there is no cache at all, for GSS-API to get a ticket as it would without
 * one (from a client keytab: `KRB5_CLIENT_KTNAME`, `default_client_keytab_name`). Rejects with
 * an {@link AuthError} naming the cache and what to do when it is empty, damaged or
 * unreadable, or when `krb5.conf` cannot be read.
 */
export function chooseCache(host: string): Promise<CredentialCache | undefined> {
  return withContext((symbols, context) => choose(symbols, context, host));
}

/**
 * The principal (`alice@EXAMPLE.COM`) a Kerberos login to the engine at `url` would use now
 * (the CLI's sessions remember it); `undefined` without a cache (a client keytab's login).
 * Rejects like {@link chooseCache}.
 */
export async function ticketPrincipal(url: string): Promise<string | undefined> {
  return (await chooseCache(new URL(url).hostname.replace(/^\[(.*)\]$/, "$1")))?.principal;
}

/**
 * The realm `krb5.conf` (`domain_realm`) gives the service's `host`, `""` when it leaves that
 * to the KDC.
 */
export function serviceRealm(host: string): Promise<string> {
  return withContext((symbols, context) => hostRealm(symbols, context, host));
}

/** Runs `work` with a Kerberos context, which reads `krb5.conf`. */
async function withContext<T>(
  work: (symbols: Krb5, context: Deno.PointerObject) => Promise<T>,
): Promise<T> {
  const symbols = openKrb5();
  const slot = new NativeBlock(POINTER_SIZE);
  let context: Deno.PointerObject;
  try {
    const started = await symbols.krb5_init_context(slot.pointer);
    if (started !== 0) throw configurationError(symbols, started);
    context = slot.pointerAt(0)!;
  } finally {
    slot.free();
  }
  try {
    return await work(symbols, context);
  } finally {
    symbols.krb5_free_context(context);
  }
}

/** A cache of the collection: its name, and its principal or why that could not be read. */
interface Entry {
  readonly name: string;
  readonly principal?: string;
  readonly code?: number;
  readonly text?: string;
}

/** `krb5_sname_to_principal`'s type for a `service/host` name. */
const KRB5_NT_SRV_HST = 3;

/**
 * Walks the collection first; when every cache in it can be read, lets `krb5_cc_select` pick
 * as GSS-API would, else picks the readable cache of the service's realm. Without a choice,
 * the default cache.
 */
async function choose(
  symbols: Krb5,
  context: Deno.PointerObject,
  host: string,
): Promise<CredentialCache | undefined> {
  const fallback = await defaultEntry(symbols, context);
  const entries = await collection(symbols, context);
  // No cache at all: nothing GSS-API could fail to read (the crash needs one), so it may
  // look for a ticket as it would, a client keytab's included.
  if (entries.length === 0 && isMissing(fallback)) return undefined;
  if (entries.length > 0 && entries.every((entry) => entry.principal !== undefined)) {
    const selected = await select(symbols, context, host);
    if (selected !== undefined) return selected;
  } else if (entries.length > 0) {
    const realm = await hostRealm(symbols, context, host);
    const match = entries.find((entry) => realm !== "" && entry.principal?.endsWith(`@${realm}`));
    if (match !== undefined) return usable(match);
  }
  return usable(fallback);
}

/** Whether `entry` is a cache that does not exist (as opposed to one that cannot be read). */
function isMissing(entry: Entry): boolean {
  return entry.code === Krb5Error.FCC_NOFILE || entry.code === Krb5Error.CC_NOTFOUND;
}

/** The cache of `entry`, or the error saying why it cannot be used. */
function usable(entry: Entry): CredentialCache {
  if (entry.principal === undefined) throw cacheError(entry.name, entry.code!, entry.text!);
  return { name: entry.name, principal: entry.principal };
}

/** The default cache (`KRB5CCNAME`, `default_ccache_name`, a collection's primary). */
async function defaultEntry(symbols: Krb5, context: Deno.PointerObject): Promise<Entry> {
  const slot = new NativeBlock(POINTER_SIZE);
  try {
    const resolved = await symbols.krb5_cc_default(context, slot.pointer);
    if (resolved !== 0) throw unnamedCacheError(message(symbols, context, resolved));
    const cache = slot.pointerAt(0)!;
    try {
      return await readEntry(symbols, context, cache);
    } finally {
      await symbols.krb5_cc_close(context, cache);
    }
  } finally {
    slot.free();
  }
}

/** Every cache of the collection, through the SDK's own cursor. */
async function collection(symbols: Krb5, context: Deno.PointerObject): Promise<Entry[]> {
  const entries: Entry[] = [];
  // cursor (8) | cache (8)
  const block = new NativeBlock(2 * POINTER_SIZE);
  try {
    if (await symbols.krb5_cccol_cursor_new(context, block.pointer) !== 0) return entries;
    const cursor = block.pointerAt(0)!;
    try {
      for (;;) {
        block.setPointer(POINTER_SIZE, null);
        const code = await symbols.krb5_cccol_cursor_next(context, cursor, block.at(8));
        const cache = block.pointerAt(POINTER_SIZE);
        if (code !== 0 || cache === null) return entries;
        try {
          entries.push(await readEntry(symbols, context, cache));
        } finally {
          await symbols.krb5_cc_close(context, cache);
        }
      }
    } finally {
      symbols.krb5_cccol_cursor_free(context, block.pointer);
    }
  } finally {
    block.free();
  }
}

/** The name and principal of the open `cache`, or why its principal could not be read. */
async function readEntry(
  symbols: Krb5,
  context: Deno.PointerObject,
  cache: Deno.PointerObject,
): Promise<Entry> {
  const name = fullName(symbols, context, cache);
  const slot = new NativeBlock(POINTER_SIZE); // zeroed: no principal unless one is read
  try {
    const read = await symbols.krb5_cc_get_principal(context, cache, slot.pointer);
    if (read !== 0) return { name, code: read, text: message(symbols, context, read) };
    const principal = slot.pointerAt(0)!;
    try {
      return { name, principal: unparse(symbols, context, principal) };
    } finally {
      symbols.krb5_free_principal(context, principal);
    }
  } finally {
    slot.free();
  }
}

/**
 * The cache `krb5_cc_select` picks for `HTTP/<host>` (`~/.k5identity`, the service's realm),
 * `undefined` when it picks none. Rejects when it names a user no cache holds tickets of.
 */
async function select(
  symbols: Krb5,
  context: Deno.PointerObject,
  host: string,
): Promise<CredentialCache | undefined> {
  // service (8) | cache (8) | principal (8)
  const block = new NativeBlock(3 * POINTER_SIZE);
  const encoder = new TextEncoder();
  try {
    const named = await symbols.krb5_sname_to_principal(
      context,
      encoder.encode(`${host}\0`),
      encoder.encode("HTTP\0"),
      KRB5_NT_SRV_HST,
      block.pointer,
    );
    if (named !== 0) return undefined;
    const service = block.pointerAt(0)!;
    try {
      const code = await symbols.krb5_cc_select(context, service, block.at(8), block.at(16));
      const cache = block.pointerAt(8);
      const principal = block.pointerAt(16);
      try {
        const user = principal === null ? undefined : unparse(symbols, context, principal);
        if (code === 0 && cache !== null && user !== undefined) {
          return { name: fullName(symbols, context, cache), principal: user };
        }
        if (code === Krb5Error.CC_NOTFOUND && user !== undefined) throw noTicketOf(user);
        return undefined;
      } finally {
        if (principal !== null) symbols.krb5_free_principal(context, principal);
        if (cache !== null) await symbols.krb5_cc_close(context, cache);
      }
    } finally {
      symbols.krb5_free_principal(context, service);
    }
  } finally {
    block.free();
  }
}

/** The full name of the open `cache` (`DIR::/run/user/1000/krb5cc/tkt`). */
function fullName(symbols: Krb5, context: Deno.PointerObject, cache: Deno.PointerObject): string {
  const slot = new NativeBlock(POINTER_SIZE);
  try {
    const named = symbols.krb5_cc_get_full_name(context, cache, slot.pointer);
    if (named !== 0) throw unnamedCacheError(message(symbols, context, named));
    return takeString(context, slot, 0, symbols.krb5_free_string);
  } finally {
    slot.free();
  }
}

/** `principal` as text (`alice@EXAMPLE.COM`). */
function unparse(
  symbols: Krb5,
  context: Deno.PointerObject,
  principal: Deno.PointerObject,
): string {
  const slot = new NativeBlock(POINTER_SIZE);
  try {
    const code = symbols.krb5_unparse_name(context, principal, slot.pointer);
    if (code !== 0) {
      throw new AuthError(
        `Kerberos login cannot read a principal's name (Kerberos: ${
          message(symbols, context, code)
        })`,
      );
    }
    return takeString(context, slot, 0, symbols.krb5_free_unparsed_name);
  } finally {
    slot.free();
  }
}

/** The realm `krb5.conf` (`domain_realm`) maps `host` to, `""` when none. */
async function hostRealm(
  symbols: Krb5,
  context: Deno.PointerObject,
  host: string,
): Promise<string> {
  const list = new NativeBlock(POINTER_SIZE);
  try {
    const code = await symbols.krb5_get_host_realm(
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

/** The error for `~/.k5identity` (or another `ccselect` module) naming a user without a cache. */
function noTicketOf(user: string): AuthError {
  return new AuthError(
    `Kerberos login is to use ${user} (chosen by ~/.k5identity or krb5.conf's ccselect ` +
      `modules), but no credential cache holds a ticket of ${user}: run kinit ${user}`,
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
