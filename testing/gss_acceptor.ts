/**
 * The simulator's side of HTTP `Negotiate`: SPNEGO tokens checked by the system's GSS-API
 * (`gss_accept_sec_context`) against the service keys of a keytab file, as the engine's
 * Kerberos extension does. Needs `--allow-ffi`.
 *
 * @module
 */

import {
  describeBytes,
  DESCRIPTOR_SIZE,
  GSS_C_ACCEPT,
  type Gssapi,
  isFailure,
  openGssapi,
  statusTexts,
  takeBuffer,
} from "../transport/kerberos/gssapi.ts";
import { NativeBlock, POINTER_SIZE } from "../transport/kerberos/native_memory.ts";

/** What checking one token gave: the client's principal, or why it was refused. */
export type Acceptance = { readonly principal: string } | { readonly refusal: string };

// Layout of the block one acceptance uses.
const MINOR = 0;
const CONTEXT_HANDLE = 8;
const SOURCE_NAME = 16;
const INPUT_TOKEN = 24;
const OUTPUT_TOKEN = INPUT_TOKEN + DESCRIPTOR_SIZE;
const DISPLAY_NAME = OUTPUT_TOKEN + DESCRIPTOR_SIZE;
const BLOCK_SIZE = DISPLAY_NAME + DESCRIPTOR_SIZE;

/** Accepts SPNEGO tokens for any service principal whose key is in one keytab. */
export class GssAcceptor {
  readonly #gssapi: Gssapi;
  /** Holds the acceptor credential handle for the acceptor's whole life. */
  readonly #credential: NativeBlock;

  private constructor(gssapi: Gssapi, credential: NativeBlock) {
    this.#gssapi = gssapi;
    this.#credential = credential;
  }

  /** Opens GSS-API and takes the acceptor credential of `keytab` (a file path). */
  static open(keytab: string): GssAcceptor {
    const gssapi = openGssapi();
    const credential = new NativeBlock(POINTER_SIZE);
    const minor = new NativeBlock(4);
    const store = credentialStore(keytab);
    try {
      const major = gssapi.symbols.gss_acquire_cred_from(
        minor.pointer,
        null, // any principal of the keytab
        0,
        null,
        GSS_C_ACCEPT,
        store.pointer,
        credential.pointer,
        null,
        null,
      );
      if (isFailure(major)) {
        credential.free();
        const texts = statusTexts(gssapi, major, minor.u32(0)).join("; ");
        throw new Error(`Cannot use the keytab "${keytab}" to accept Kerberos logins: ${texts}`);
      }
    } finally {
      store.free();
      minor.free();
    }
    return new GssAcceptor(gssapi, credential);
  }

  /** Checks one SPNEGO token (the bytes of an `Authorization: Negotiate` header). */
  async accept(token: Uint8Array): Promise<Acceptance> {
    const { symbols } = this.#gssapi;
    const block = new NativeBlock(BLOCK_SIZE);
    const input = describeBytes(block, INPUT_TOKEN, token);
    try {
      const major = await symbols.gss_accept_sec_context(
        block.pointer,
        block.at(CONTEXT_HANDLE),
        this.#credential.pointerAt(0),
        block.at(INPUT_TOKEN),
        null,
        block.at(SOURCE_NAME),
        null,
        block.at(OUTPUT_TOKEN),
        null,
        null,
        null,
      );
      const minor = block.u32(MINOR);
      takeBuffer(this.#gssapi, block, OUTPUT_TOKEN);
      if (isFailure(major)) {
        return { refusal: statusTexts(this.#gssapi, major, minor).join("; ") };
      }
      if (major !== 0) return { refusal: "the token needs more than one round trip" };
      const shown = symbols.gss_display_name(
        block.pointer,
        block.pointerAt(SOURCE_NAME),
        block.at(DISPLAY_NAME),
        null,
      );
      if (isFailure(shown)) return { refusal: "the client's name cannot be displayed" };
      return { principal: new TextDecoder().decode(takeBuffer(this.#gssapi, block, DISPLAY_NAME)) };
    } finally {
      if (block.pointerAt(CONTEXT_HANDLE) !== null) {
        symbols.gss_delete_sec_context(block.pointer, block.at(CONTEXT_HANDLE), null);
      }
      if (block.pointerAt(SOURCE_NAME) !== null) {
        symbols.gss_release_name(block.pointer, block.at(SOURCE_NAME));
      }
      input.free();
      block.free();
    }
  }

  /** Releases the credential; the acceptor must not be used afterwards. */
  close(): void {
    const minor = new NativeBlock(4);
    this.#gssapi.symbols.gss_release_cred(minor.pointer, this.#credential.pointer);
    minor.free();
    this.#credential.free();
  }
}

/**
 * A `gss_key_value_set_desc` with one element, `keytab` = the path; one block holds the
 * set, the element and both strings.
 */
function credentialStore(keytab: string): NativeBlock {
  const key = new TextEncoder().encode("keytab\0");
  const value = new TextEncoder().encode(`${keytab}\0`);
  const set = 0;
  const element = 16;
  const strings = element + 2 * POINTER_SIZE;
  const block = new NativeBlock(strings + key.length + value.length);
  block.setBytes(strings, key);
  block.setBytes(strings + key.length, value);
  block.setU32(set, 1);
  block.setPointer(set + POINTER_SIZE, block.at(element));
  block.setPointer(element, block.at(strings));
  block.setPointer(element + POINTER_SIZE, block.at(strings + key.length));
  return block;
}
