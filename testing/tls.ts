/**
 * TLS material for the simulator, made at start with WebCrypto (ECDSA P-256): a fresh CA
 * and a server certificate it signs for `127.0.0.1`, `::1` and `localhost`. No files, no
 * external tools.
 *
 * @module
 */

import {
  bitString,
  boolean,
  explicit,
  implicit,
  octetString,
  oid,
  sequence,
  set,
  smallInteger,
  unsignedInteger,
  utcTime,
  utf8String,
} from "./der.ts";

/** PEM texts the simulator serves HTTPS with. */
export interface TlsMaterial {
  /** The CA certificate clients must trust. */
  readonly caCert: string;
  /** The server certificate (signed by the CA). */
  readonly cert: string;
  /** The server's private key (PKCS #8). */
  readonly key: string;
}

const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
const COMMON_NAME = "2.5.4.3";
const ORGANIZATION = "2.5.4.10";
const SUBJECT_KEY_ID = "2.5.29.14";
const KEY_USAGE = "2.5.29.15";
const SUBJECT_ALT_NAME = "2.5.29.17";
const BASIC_CONSTRAINTS = "2.5.29.19";
const AUTHORITY_KEY_ID = "2.5.29.35";
const EXTENDED_KEY_USAGE = "2.5.29.37";
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

const KEY_ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGN_ALGORITHM = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY = 24 * 60 * 60 * 1000;

interface Party {
  readonly name: Uint8Array;
  readonly keys: CryptoKeyPair;
  readonly keyId: Uint8Array;
}

/** Makes a new CA and a server certificate for the loopback names, valid for a year. */
export async function createTlsMaterial(): Promise<TlsMaterial> {
  const ca = await party("ovirt-sdk simulator CA");
  const server = await party("localhost");
  const now = Date.now();
  const validity = sequence(utcTime(new Date(now - DAY)), utcTime(new Date(now + 365 * DAY)));
  const caCert = await certificate(ca, ca, validity, [
    extension(BASIC_CONSTRAINTS, true, sequence(boolean(true))),
    extension(KEY_USAGE, true, keyUsage(0x06)), // keyCertSign, cRLSign
    extension(SUBJECT_KEY_ID, false, octetString(ca.keyId)),
  ]);
  const serverCert = await certificate(server, ca, validity, [
    extension(BASIC_CONSTRAINTS, true, sequence()),
    extension(KEY_USAGE, true, keyUsage(0x80)), // digitalSignature
    extension(EXTENDED_KEY_USAGE, false, sequence(oid(SERVER_AUTH))),
    extension(SUBJECT_ALT_NAME, false, alternativeNames()),
    extension(SUBJECT_KEY_ID, false, octetString(server.keyId)),
    extension(AUTHORITY_KEY_ID, false, sequence(implicit(0, ca.keyId))),
  ]);
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", server.keys.privateKey));
  return {
    caCert: pem("CERTIFICATE", caCert),
    cert: pem("CERTIFICATE", serverCert),
    key: pem("PRIVATE KEY", pkcs8),
  };
}

async function party(commonName: string): Promise<Party> {
  const keys = await crypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"]);
  const publicKey = new Uint8Array(await crypto.subtle.exportKey("raw", keys.publicKey));
  const keyId = new Uint8Array(await crypto.subtle.digest("SHA-1", publicKey));
  const name = sequence(
    set(sequence(oid(ORGANIZATION), utf8String("ovirt-sdk"))),
    set(sequence(oid(COMMON_NAME), utf8String(commonName))),
  );
  return { name, keys, keyId };
}

/** Builds and signs one X.509 v3 certificate of `subject`, issued by `issuer`. */
async function certificate(
  subject: Party,
  issuer: Party,
  validity: Uint8Array,
  extensions: Uint8Array[],
): Promise<Uint8Array> {
  const algorithm = sequence(oid(ECDSA_WITH_SHA256));
  const serial = crypto.getRandomValues(new Uint8Array(16));
  serial[0] &= 0x7f;
  const publicKeyInfo = new Uint8Array(
    await crypto.subtle.exportKey("spki", subject.keys.publicKey),
  );
  const toBeSigned = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serial),
    algorithm,
    issuer.name,
    validity,
    subject.name,
    publicKeyInfo,
    explicit(3, sequence(...extensions)),
  );
  const signature = await crypto.subtle.sign(SIGN_ALGORITHM, issuer.keys.privateKey, toBeSigned);
  return sequence(toBeSigned, algorithm, bitString(derSignature(new Uint8Array(signature))));
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical
    ? sequence(oid(id), boolean(true), octetString(value))
    : sequence(oid(id), octetString(value));
}

/** A `KeyUsage` bit string whose first byte is `bits` (bit 0 is the most significant). */
function keyUsage(bits: number): Uint8Array {
  return bitString(new Uint8Array([bits]));
}

/** `GeneralNames`: dNSName `localhost`, iPAddress 127.0.0.1 and ::1. */
function alternativeNames(): Uint8Array {
  const ipv6Loopback = new Uint8Array(16);
  ipv6Loopback[15] = 1;
  return sequence(
    implicit(2, new TextEncoder().encode("localhost")),
    implicit(7, new Uint8Array([127, 0, 0, 1])),
    implicit(7, ipv6Loopback),
  );
}

/** WebCrypto's raw `r || s` ECDSA signature as the DER `SEQUENCE { r, s }` X.509 wants. */
function derSignature(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  return sequence(unsignedInteger(raw.subarray(0, half)), unsignedInteger(raw.subarray(half)));
}

function pem(label: string, der: Uint8Array): string {
  let binary = "";
  for (const byte of der) binary += String.fromCharCode(byte);
  const lines = btoa(binary).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
