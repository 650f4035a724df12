/**
 * Throwaway TLS material for the transport tests, made with `openssl`: a CA, a server
 * certificate it signed for 127.0.0.1, and an unrelated CA.
 */

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
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-tls-" });
  globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
  const at = (name: string) => `${dir}/${name}`;
  const newKey = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
  for (const name of ["ca", "other-ca"]) {
    await openssl(
      `req -x509 ${newKey} -keyout ${at(`${name}.key`)} -out ${at(`${name}.pem`)} -days 2`,
      ["-subj", `/CN=ovirt-sdk test ${name}`],
      ["-addext", "basicConstraints=critical,CA:TRUE"],
      ["-addext", "keyUsage=critical,keyCertSign"],
    );
  }
  await openssl(`req ${newKey} -keyout ${at("server.key")} -out ${at("server.csr")}`, [
    "-subj",
    "/CN=localhost",
  ]);
  await Deno.writeTextFile(
    at("server.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n" +
      "extendedKeyUsage=serverAuth\n",
  );
  await openssl(
    `x509 -req -in ${at("server.csr")} -CA ${at("ca.pem")} -CAkey ${at("ca.key")} ` +
      `-CAcreateserial -out ${at("server.pem")} -days 2 -extfile ${at("server.ext")}`,
  );
  return {
    caCert: await Deno.readTextFile(at("ca.pem")),
    otherCaCert: await Deno.readTextFile(at("other-ca.pem")),
    cert: await Deno.readTextFile(at("server.pem")),
    key: await Deno.readTextFile(at("server.key")),
    caFile: at("ca.pem"),
  };
}

/** Runs openssl with the words of `command` (paths without spaces) and `extra` arguments. */
async function openssl(command: string, ...extra: string[][]): Promise<void> {
  const args = [...command.split(/\s+/), ...extra.flat()];
  const { success, stderr } = await new Deno.Command("openssl", { args, stdout: "null" })
    .output();
  if (!success) throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(stderr)}`);
}
