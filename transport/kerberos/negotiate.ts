/**
 * The client side of HTTP `Negotiate`: a SPNEGO token for the service `HTTP@<host>`, made
 * by GSS-API from the user's Kerberos credential cache (filled by `kinit`), which is chosen
 * and checked first, then handed to GSS-API explicitly (see `credential_cache.ts`).
 *
 * @module
 */

import { AuthError } from "../errors.ts";
import { chooseCache, type CredentialCache, serviceRealm } from "./credential_cache.ts";
import {
  describeBytes,
  DESCRIPTOR_SIZE,
  GSS_C_INITIATE,
  type Gssapi,
  isFailure,
  openGssapi,
  RoutineError,
  routineError,
  statusTexts,
  takeBuffer,
} from "./gssapi.ts";
import { NativeBlock, POINTER_SIZE } from "./native_memory.ts";

// Layout of the block one negotiation uses; GSS-API keeps the context handle across calls.
const MINOR = 0;
const NAME_HANDLE = 8;
const CONTEXT_HANDLE = 16;
const CREDENTIAL_HANDLE = 24;
const NAME_BUFFER = 32;
const OUTPUT_TOKEN = NAME_BUFFER + DESCRIPTOR_SIZE;
const MECHANISMS = OUTPUT_TOKEN + DESCRIPTOR_SIZE;
const BLOCK_SIZE = MECHANISMS + 2 * POINTER_SIZE;

/** `KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN` as an unsigned minor status. */
const SERVER_PRINCIPAL_UNKNOWN = -1765328377 >>> 0;
/** `KRB5KRB_AP_ERR_TKT_EXPIRED` as an unsigned minor status. */
const TICKET_EXPIRED = -1765328352 >>> 0;

/**
 * The base64 SPNEGO token that logs the user of the credential cache chosen for the
 * service `HTTP@<host>`, for an `Authorization: Negotiate` header. Rejects with an
 * {@link AuthError} saying what to do when that is impossible.
 */
export async function negotiateToken(host: string): Promise<string> {
  const gssapi = openGssapi();
  const { symbols } = gssapi;
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  const service = `HTTP@${bare}`;
  const cache = await chooseCache(bare);
  const block = new NativeBlock(BLOCK_SIZE);
  const name = describeBytes(block, NAME_BUFFER, new TextEncoder().encode(service));
  try {
    const imported = symbols.gss_import_name(
      block.pointer,
      block.at(NAME_BUFFER),
      gssapi.hostBasedService,
      block.at(NAME_HANDLE),
    );
    if (isFailure(imported)) {
      throw await failure(gssapi, service, cache, imported, block.u32(MINOR));
    }
    // Without a cache, GSS-API's own default (no credential named) may use a client keytab.
    if (cache !== undefined) await acquireCredential(gssapi, block, service, cache);
    const major = await symbols.gss_init_sec_context(
      block.pointer,
      block.pointerAt(CREDENTIAL_HANDLE),
      block.at(CONTEXT_HANDLE),
      block.pointerAt(NAME_HANDLE),
      gssapi.spnego,
      0, // no mutual authentication: the engine's answer is the token, not a SPNEGO reply
      0,
      null,
      null,
      null,
      block.at(OUTPUT_TOKEN),
      null,
      null,
    );
    const minor = block.u32(MINOR);
    const token = takeBuffer(gssapi, block, OUTPUT_TOKEN);
    if (isFailure(major)) throw await failure(gssapi, service, cache, major, minor);
    if (token.length === 0) {
      throw new AuthError(`Kerberos login to ${service}: GSS-API produced no token`);
    }
    return toBase64(token);
  } finally {
    release(gssapi, block);
    name.free();
    block.free();
  }
}

/**
 * Takes the SPNEGO credential of the one cache `cache` into the block's credential handle:
 * with a cache named, GSS-API never looks at the rest of the collection.
 */
async function acquireCredential(
  gssapi: Gssapi,
  block: NativeBlock,
  service: string,
  cache: CredentialCache,
): Promise<void> {
  // gss_OID_set_desc: one element, the SPNEGO gss_OID_desc.
  block.setSize(MECHANISMS, 1);
  block.setPointer(MECHANISMS + POINTER_SIZE, gssapi.spnego);
  const key = NativeBlock.of(new TextEncoder().encode("ccache\0"));
  const value = NativeBlock.of(new TextEncoder().encode(`${cache.name}\0`));
  // gss_key_value_element_desc (key, value), then gss_key_value_set_desc (count, elements).
  const store = new NativeBlock(4 * POINTER_SIZE);
  store.setPointer(0, key.pointer);
  store.setPointer(POINTER_SIZE, value.pointer);
  store.setU32(2 * POINTER_SIZE, 1);
  store.setPointer(3 * POINTER_SIZE, store.pointer);
  try {
    const major = await gssapi.symbols.gss_acquire_cred_from_async(
      block.pointer,
      null, // the cache's own principal
      0,
      block.at(MECHANISMS),
      GSS_C_INITIATE,
      store.at(2 * POINTER_SIZE),
      block.at(CREDENTIAL_HANDLE),
      null,
      null,
    );
    if (isFailure(major)) throw await failure(gssapi, service, cache, major, block.u32(MINOR));
  } finally {
    store.free();
    value.free();
    key.free();
  }
}

/** Deletes the context, the credential and the name the block holds, if any. */
function release(gssapi: Gssapi, block: NativeBlock): void {
  if (block.pointerAt(CONTEXT_HANDLE) !== null) {
    gssapi.symbols.gss_delete_sec_context(block.pointer, block.at(CONTEXT_HANDLE), null);
  }
  if (block.pointerAt(CREDENTIAL_HANDLE) !== null) {
    gssapi.symbols.gss_release_cred(block.pointer, block.at(CREDENTIAL_HANDLE));
  }
  if (block.pointerAt(NAME_HANDLE) !== null) {
    gssapi.symbols.gss_release_name(block.pointer, block.at(NAME_HANDLE));
  }
}

/** The error for a failed GSS-API call, with what to do about it when that is known. */
async function failure(
  gssapi: Gssapi,
  service: string,
  cache: CredentialCache | undefined,
  major: number,
  minor: number,
): Promise<AuthError> {
  const texts = statusTexts(gssapi, major, minor);
  const detail = texts.length > 0 ? ` (GSS-API: ${texts.join("; ")})` : "";
  const routine = routineError(major);
  const text = texts.join(" ");
  const unknownService = minor === SERVER_PRINCIPAL_UNKNOWN ||
    /not found in Kerberos database/i.test(text);
  // Without a cache (a client keytab's login, or none at all), the user is not known here.
  const principal = cache?.principal ?? "the client keytab's principal";
  const userRealm = cache ? cache.principal.slice(cache.principal.lastIndexOf("@") + 1) : "";
  const realm = unknownService ? await serviceRealm(service.slice("HTTP@".length)) : "";
  let advice: string;
  if (
    routine === RoutineError.CREDENTIALS_EXPIRED || minor === TICKET_EXPIRED ||
    /ticket expired/i.test(text)
  ) {
    advice = `the Kerberos ticket has expired: run kinit again (as ${principal})`;
  } else if (routine === RoutineError.NO_CRED) {
    const where = cache ? ` in ${cache.name}` : " (no credential cache, nor a client keytab)";
    advice = `there is no Kerberos ticket to log in with${where}: run kinit first (or point ` +
      "KRB5CCNAME at your credential cache, or KRB5_CLIENT_KTNAME at a client keytab)";
  } else if (unknownService && realm !== "" && userRealm !== "" && realm !== userRealm) {
    // The KDC says the same whether the trust is missing or the service's name is unknown.
    advice = `your ticket is for ${principal}, of the realm ${userRealm}, and the ` +
      `engine's service ${service.replace("@", "/")} is of the realm ${realm} ` +
      `(krb5.conf's domain_realm): either the KDC of ${userRealm} has no trust to ${realm} ` +
      `(run kinit as a user of ${realm}, or have a trust set up between the realms), or the ` +
      `realm ${realm} knows no such service (an alias or an IP address in the URL: use the ` +
      "engine's host name, the one its HTTP/<host name> principal has)";
  } else if (unknownService) {
    advice = `the KDC knows no service principal ${service.replace("@", "/")}: its name comes ` +
      "from the URL's host, so connecting by IP address or an alias fails; use the engine's " +
      `host name, the one its HTTP/<host name> principal has (your ticket: ${principal})`;
  } else {
    advice = `GSS-API could not make a token from the ticket of ${principal}${
      cache ? ` in ${cache.name}` : ""
    } (check krb5.conf — KRB5_CONFIG or /etc/krb5.conf — and that its KDC answers)`;
  }
  return new AuthError(`Kerberos login to ${service} failed: ${advice}${detail}`);
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
