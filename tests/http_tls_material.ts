/**
 * Throwaway TLS material for the transport tests, made with the simulator's WebCrypto
 * certificate maker: a CA, a server certificate it signed for 127.0.0.1, and an
 * unrelated CA.
 */

import { createTlsMaterial } from "../testing/tls.ts";

/** PEM texts of a test PKI. */
export interface TlsMaterial {
  /** The CA that signed the server certificate. */
  readonly caCert: string;
  /** A CA that signed nothing here. */
  readonly otherCaCert: string;
  /** Server certificate for `127.0.0.1` and `localhost`. */
  readonly cert: string;
  /** Server private key. */
  readonly key: string;
  /** Path of a file holding `caCert`. */
  readonly caFile: string;
}

let material: Promise<TlsMaterial> | undefined;

/** The test PKI, made once per test process in a temporary directory. */
export function tlsMaterial(): Promise<TlsMaterial> {
  material ??= makeMaterial();
  return material;
}

async function makeMaterial(): Promise<TlsMaterial> {
  const [main, other] = await Promise.all([createTlsMaterial(), createTlsMaterial()]);
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-tls-" });
  globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
  const caFile = `${dir}/ca.pem`;
  await Deno.writeTextFile(caFile, main.caCert);
  return { caCert: main.caCert, otherCaCert: other.caCert, cert: main.cert, key: main.key, caFile };
}
