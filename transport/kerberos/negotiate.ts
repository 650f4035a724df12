/**
 * The client side of HTTP `Negotiate`: a SPNEGO token for the service `HTTP@<host>`, made
 * by GSS-API from the user's Kerberos credential cache (filled by `kinit`).
 *
 * @module
 */

import { AuthError } from "../errors.ts";
import {
  describeBytes,
  DESCRIPTOR_SIZE,
  type Gssapi,
  isFailure,
  openGssapi,
  RoutineError,
  routineError,
  statusTexts,
  takeBuffer,
} from "./gssapi.ts";
import { NativeBlock } from "./native_memory.ts";

// Layout of the block one negotiation uses; GSS-API keeps the context handle across calls.
const MINOR = 0;
const NAME_HANDLE = 8;
const CONTEXT_HANDLE = 16;
const NAME_BUFFER = 24;
const OUTPUT_TOKEN = NAME_BUFFER + DESCRIPTOR_SIZE;
const BLOCK_SIZE = OUTPUT_TOKEN + DESCRIPTOR_SIZE;

/** `KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN` as an unsigned minor status. */
const SERVER_PRINCIPAL_UNKNOWN = -1765328377 >>> 0;
/** `KRB5KRB_AP_ERR_TKT_EXPIRED` as an unsigned minor status. */
const TICKET_EXPIRED = -1765328352 >>> 0;

/**
 * The base64 SPNEGO token that logs the user of the default credential cache in to the
 * service `HTTP@<host>`, for an `Authorization: Negotiate` header. Rejects with an
 * {@link AuthError} saying what to do when that is impossible.
 */
export async function negotiateToken(host: string): Promise<string> {
  const gssapi = openGssapi();
  const { symbols } = gssapi;
  const service = `HTTP@${host.replace(/^\[(.*)\]$/, "$1")}`;
  const block = new NativeBlock(BLOCK_SIZE);
  const name = describeBytes(block, NAME_BUFFER, new TextEncoder().encode(service));
  try {
    const imported = symbols.gss_import_name(
      block.pointer,
      block.at(NAME_BUFFER),
      gssapi.hostBasedService,
      block.at(NAME_HANDLE),
    );
    if (isFailure(imported)) throw failure(gssapi, service, imported, block.u32(MINOR));
    const major = await symbols.gss_init_sec_context(
      block.pointer,
      null, // the default credential: the user's ticket-granting ticket
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
    if (isFailure(major)) throw failure(gssapi, service, major, minor);
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

/** Deletes the context and the name the block holds, if any. */
function release(gssapi: Gssapi, block: NativeBlock): void {
  if (block.pointerAt(CONTEXT_HANDLE) !== null) {
    gssapi.symbols.gss_delete_sec_context(block.pointer, block.at(CONTEXT_HANDLE), null);
  }
  if (block.pointerAt(NAME_HANDLE) !== null) {
    gssapi.symbols.gss_release_name(block.pointer, block.at(NAME_HANDLE));
  }
}

/** The error for a failed GSS-API call, with what to do about it when that is known. */
function failure(gssapi: Gssapi, service: string, major: number, minor: number): AuthError {
  const texts = statusTexts(gssapi, major, minor);
  const detail = texts.length > 0 ? ` (GSS-API: ${texts.join("; ")})` : "";
  const routine = routineError(major);
  const text = texts.join(" ");
  let advice: string;
  if (routine === RoutineError.NO_CRED) {
    advice = "there is no Kerberos ticket to log in with: run kinit first (or point " +
      "KRB5CCNAME at your credential cache)";
  } else if (
    routine === RoutineError.CREDENTIALS_EXPIRED || minor === TICKET_EXPIRED ||
    /ticket expired/i.test(text)
  ) {
    advice = "the Kerberos ticket has expired: run kinit again";
  } else if (minor === SERVER_PRINCIPAL_UNKNOWN || /not found in Kerberos database/i.test(text)) {
    advice = `the KDC knows no service principal ${service.replace("@", "/")}: its name comes ` +
      "from the URL's host, so connecting by IP address or an alias fails; use the engine's " +
      "host name, the one its HTTP/<host name> principal has";
  } else {
    advice = "GSS-API could not make a token";
  }
  return new AuthError(`Kerberos login to ${service} failed: ${advice}${detail}`);
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
