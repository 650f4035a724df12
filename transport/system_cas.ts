/**
 * The operating system's trusted CA certificates, so that an engine CA installed on the
 * machine (`update-ca-certificates`, `update-ca-trust`) is trusted as the Python SDK
 * trusts it. Deno's `fetch` trusts its bundled Mozilla roots; these come on top.
 *
 * @module
 */

import { readableCertificates } from "./ca_certificates.ts";
import { envValue } from "./env_value.ts";

/** Where the usual systems keep their CA bundle, tried in order. */
export const SYSTEM_CA_BUNDLES: readonly string[] = [
  "/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Alpine, Arch
  "/etc/pki/tls/certs/ca-bundle.crt", // Fedora, RHEL, CentOS
  "/etc/ssl/ca-bundle.pem", // openSUSE
  "/etc/ssl/cert.pem", // macOS, BSDs
];

/**
 * The PEM text of the system CA bundle: the file `SSL_CERT_FILE` names when that variable
 * is set, else the first readable bundle of {@link SYSTEM_CA_BUNDLES}; `undefined` when
 * there is none or reading is not permitted. Never prompts for a permission.
 */
export function systemCaBundle(): Promise<string | undefined> {
  const chosen = envPath("SSL_CERT_FILE");
  return firstCaBundle(chosen ? [chosen] : SYSTEM_CA_BUNDLES);
}

/**
 * The readable certificates of the first of `paths` that may be read and holds any, as PEM
 * text: a damaged block is left out, rather than making Deno refuse every connection.
 */
export async function firstCaBundle(paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) {
    if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") continue;
    try {
      const usable = readable(await Deno.readTextFile(path));
      if (usable !== undefined) return usable;
    } catch {
      // Missing or unreadable: try the next one.
    }
  }
  return undefined;
}

/** The last bundle read and its readable certificates: reading them all takes some 50 ms. */
let lastRead: { text: string; usable: string | undefined } | undefined;

/** {@link readableCertificates} of `text`, remembered for the next connection. */
function readable(text: string): string | undefined {
  if (lastRead?.text !== text) lastRead = { text, usable: readableCertificates(text) };
  return lastRead.usable;
}

function envPath(name: string): string | undefined {
  if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
    return undefined;
  }
  return envValue(name) || undefined;
}
