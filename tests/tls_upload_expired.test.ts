/**
 * An image host whose certificate has expired, signed by a CA the connection trusts: an
 * upload (`node:https`, which reports expiry as "unable to verify the first certificate")
 * must not send the user to fetch the engine's CA alone.
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { ConnectionError } from "../transport/errors.ts";

/** Runs openssl in `dir`, failing with its error output. */
async function openssl(dir: string, ...args: string[]): Promise<void> {
  const output = await new Deno.Command("openssl", { args, cwd: dir, stderr: "piped" }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
}

/** A CA and a certificate for 127.0.0.1 it signed, valid in January 2024 only. */
async function expiredPki(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await openssl(
    dir,
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "30",
    "-subj",
    "/CN=test CA",
  );
  await openssl(
    dir,
    "req",
    ...ec,
    "-keyout",
    "host.key",
    "-out",
    "host.csr",
    "-subj",
    "/CN=127.0.0.1",
  );
  await Deno.writeTextFile(`${dir}/index.txt`, "");
  await Deno.writeTextFile(`${dir}/serial`, "1000\n");
  await Deno.writeTextFile(
    `${dir}/ca.cnf`,
    [
      "[ca]",
      "default_ca=test",
      "[test]",
      "dir=.",
      "database=index.txt",
      "new_certs_dir=.",
      "certificate=ca.pem",
      "private_key=ca.key",
      "serial=serial",
      "default_md=sha256",
      "policy=policy",
      "[policy]",
      "commonName=supplied",
      "[host]",
      "subjectAltName=IP:127.0.0.1",
      "basicConstraints=CA:FALSE",
      "extendedKeyUsage=serverAuth",
      "",
    ].join("\n"),
  );
  await openssl(
    dir,
    "ca",
    "-batch",
    "-config",
    "ca.cnf",
    "-extensions",
    "host",
    "-notext",
    "-startdate",
    "20240101000000Z",
    "-enddate",
    "20240201000000Z",
    "-in",
    "host.csr",
    "-out",
    "host.pem",
  );
  const read = (name: string) => Deno.readTextFile(`${dir}/${name}`);
  return { ca: await read("ca.pem"), cert: await read("host.pem"), key: await read("host.key") };
}

Deno.test("an upload to an image host with an expired certificate names expiry", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const pki = await expiredPki(dir);
    let received = 0;
    await using server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, cert: pki.cert, key: pki.key, onListen() {} },
      async (request) => {
        received++;
        await request.body?.cancel();
        return new Response("");
      },
    );
    const origin = `https://127.0.0.1:${server.addr.port}`;
    await using connection = new Connection({
      url: `${origin}/ovirt-engine/api`,
      token: "t",
      caCerts: [pki.ca],
      retry: false,
    });
    const body = new Uint8Array(1000);
    await assert.rejects(
      connection.transferRequest({ method: "PUT", url: `${origin}/images/ticket`, body }),
      (error: Error) => {
        assert.ok(error instanceof ConnectionError, String(error));
        assert.match(error.message, /unable to verify the first certificate/);
        assert.match(error.message, /or it has expired or is not valid yet/);
        assert.match(error.message, /Check its dates \(openssl s_client -connect <host>:<port>\)/);
        return true;
      },
    );
    assert.equal(received, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
