/**
 * CA certificates in PEM, read block by block before the TLS library sees them: Deno
 * refuses a damaged one as "invalid peer certificate" (as if the server's were bad) and
 * silently drops one it cannot find the lines of (a BOM, indentation, all on one line).
 * Here what is harmless is rewritten in the plain form, and a block that is no certificate
 * is refused by number.
 *
 * @module
 */

import { X509Certificate } from "node:crypto";
import { OvirtError } from "./errors.ts";

const BEGIN = "-----BEGIN CERTIFICATE-----";
const END = "-----END CERTIFICATE-----";

/** Base64 as PEM carries it, once its line breaks and indentation are taken out. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The certificates of `pem`, each checked and written in the plain PEM form (what is around
 * and between them left out). `source` names where the text came from, for the
 * {@link OvirtError} refusing text without a certificate or with one that cannot be read.
 */
export function checkedCertificates(source: string, pem: string): string {
  const blocks = certificateBlocks(pem);
  if (blocks.length === 0) {
    throw new OvirtError(`${source} holds no PEM certificate ("${BEGIN}")`);
  }
  return blocks.map((block, index) => {
    const problem = block.problem ?? derProblem(block.base64);
    if (problem === undefined) return plainPem(block.base64);
    throw new OvirtError(
      `${source}: its certificate ${index + 1} (of ${blocks.length}) cannot be read: ` +
        `${problem}; save the CA certificate again, whole`,
    );
  }).join("");
}

/**
 * The certificates of `pem` that can be read, written in the plain PEM form; `undefined`
 * when there is none. For a bundle of many CAs (the system's), where one damaged block
 * would otherwise make Deno refuse every connection.
 */
export function readableCertificates(pem: string): string | undefined {
  const readable = certificateBlocks(pem)
    .filter((block) => block.problem === undefined && derProblem(block.base64) === undefined)
    .map((block) => plainPem(block.base64));
  return readable.length > 0 ? readable.join("") : undefined;
}

/** One `BEGIN`...`END` block: its base64 without white space, or why there is none. */
interface Block {
  readonly base64: string;
  readonly problem?: string;
}

/** The certificate blocks of `pem`, wherever their markers stand (indented, on one line). */
function certificateBlocks(pem: string): Block[] {
  const blocks: Block[] = [];
  for (let begin = pem.indexOf(BEGIN); begin >= 0;) {
    const start = begin + BEGIN.length;
    const end = pem.indexOf(END, start);
    const next = pem.indexOf(BEGIN, start);
    if (end < 0 || (next >= 0 && next < end)) {
      blocks.push({ base64: "", problem: `it has no "${END}" line` });
    } else {
      const base64 = pem.slice(start, end).replace(/\s+/g, "");
      const problem = BASE64.test(base64)
        ? undefined
        : "it is not base64 (a character other than A-Z, a-z, 0-9, +, / and a final =, " +
          "or a character missing)";
      blocks.push({ base64, problem });
    }
    begin = next;
  }
  return blocks;
}

/** Why the certificate in `base64` cannot be read (its DER damaged); `undefined` if it can. */
function derProblem(base64: string): string | undefined {
  const der = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  let reason: string | undefined;
  try {
    new X509Certificate(der);
    // node:crypto reads past bytes after the certificate's end; Deno's TLS refuses them.
    const length = derLength(der);
    if (length !== der.length) reason = `${der.length} bytes where its encoding says ${length}`;
  } catch (error) {
    reason = error instanceof Error ? error.message : String(error);
  }
  return reason && `its content is damaged (a line lost or changed?): ${reason}`;
}

/** The length in bytes of the DER value starting `der`, by its length octets. */
function derLength(der: Uint8Array): number {
  const first = der[1];
  if (first < 0x80) return 2 + first;
  const octets = first & 0x7f;
  let length = 0;
  for (let index = 0; index < octets; index++) length = length * 256 + der[2 + index];
  return 2 + octets + length;
}

/** `base64` as a PEM certificate block, in lines of 64 characters. */
function plainPem(base64: string): string {
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `${BEGIN}\n${lines.join("\n")}\n${END}\n`;
}
