/**
 * CA certificates as users save them: harmless oddities (a BOM, indentation from YAML, CRLF,
 * all on one line) are trusted; a damaged certificate is refused naming the CA file or entry
 * and the certificate, never reported as the server's certificate being bad.
 */

import assert from "node:assert/strict";
import { Connection, OvirtError } from "../mod.ts";
import { ConnectionError } from "../transport/errors.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";
import { tlsMaterial } from "./http_tls_material.ts";

const tls = await tlsMaterial();

function httpsEngine() {
  return startFakeEngine({
    tls: { cert: tls.cert, key: tls.key },
    api: () => xml("<api/>"),
  });
}

/** The base64 lines of a one-certificate PEM text. */
function base64Lines(pem: string): string[] {
  return pem.split(/\r?\n/).filter((line) => line && !line.startsWith("-----"));
}

const BEGIN = "-----BEGIN CERTIFICATE-----";
const END = "-----END CERTIFICATE-----";
const lines = base64Lines(tls.caCert);
const other = base64Lines(tls.otherCaCert);

/** The good CA, saved in ways that change nothing about it. */
const HARMLESS: Record<string, string> = {
  "a UTF-8 BOM": `\uFEFF${tls.caCert}`,
  "indentation (a YAML block)": [BEGIN, ...lines, END].map((line) => `    ${line}`).join("\n"),
  "tabs and CRLF": [BEGIN, ...lines, END].map((line) => `\t${line}\r\n`).join(""),
  "all on one line": `${BEGIN}${lines.join("")}${END}`,
  "text around it": `Engine CA\r\nissuer: x\r\n${tls.caCert}\r\n(end)\r\n`,
};

/** Base64 of `bytes`. */
function encoded(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

const der = Uint8Array.from(atob(lines.join("")), (char) => char.charCodeAt(0));

/** A CA file damaged in the ways copy and paste damage one, and the certificate hit. */
const DAMAGED: Record<string, [string, number]> = {
  "a line lost": [[BEGIN, ...lines.slice(0, 2), ...lines.slice(3), END].join("\n"), 1],
  "a bad block before the good one": [
    `${BEGIN}\nMIIBroken0000garbageAAAA\n${END}\n${tls.caCert}`,
    1,
  ],
  "a bad block after a good one": [
    `${tls.caCert}${BEGIN}\nMIIBroken0000garbageAAAA\n${END}\n`,
    2,
  ],
  "bytes after its end": [`${BEGIN}\n${encoded(new Uint8Array([...der, 0, 0]))}\n${END}\n`, 1],
  "no END line": [`${BEGIN}\n${other.join("\n")}\n${tls.caCert}`, 1],
  "a character that is not base64": [
    [BEGIN, lines[0], `${lines[1].slice(0, 10)}*${lines[1].slice(11)}`, ...lines.slice(2), END]
      .join("\n"),
    1,
  ],
  "a character missing": [
    [BEGIN, lines[0], lines[1].slice(1), ...lines.slice(2), END].join("\n"),
    1,
  ],
};

Deno.test("a CA saved with a BOM, indented, on one line or with CRLF is trusted", async (t) => {
  await using engine = await httpsEngine();
  const dir = await Deno.makeTempDir();
  try {
    for (const [name, pem] of Object.entries(HARMLESS)) {
      await t.step(name, async () => {
        const caFile = `${dir}/ca.pem`;
        await Deno.writeTextFile(caFile, pem);
        for (const ca of [{ caFile }, { caCerts: [tls.otherCaCert, pem] }]) {
          await using connection = new Connection({
            url: engine.url,
            username: USERNAME,
            password: PASSWORD,
            ...ca,
          });
          assert.equal(await connection.test(true), true);
        }
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a damaged caCerts entry is refused naming it and the certificate", () => {
  for (const [name, [pem, number]] of Object.entries(DAMAGED)) {
    assert.throws(
      () =>
        new Connection({
          url: "https://engine.example/ovirt-engine/api",
          username: USERNAME,
          password: PASSWORD,
          caCerts: [tls.otherCaCert, pem],
        }),
      (error: Error) => {
        assert.ok(error instanceof OvirtError && !(error instanceof ConnectionError), name);
        assert.match(error.message, new RegExp(`^caCerts\\[1\\]: its certificate ${number} `));
        assert.match(error.message, /cannot be read: .*; save the CA certificate again, whole$/);
        return true;
      },
      name,
    );
  }
});

Deno.test("a damaged CA file is refused naming it before anything is sent", async (t) => {
  await using engine = await httpsEngine();
  const dir = await Deno.makeTempDir();
  try {
    for (const [name, [pem, number]] of Object.entries(DAMAGED)) {
      await t.step(name, async () => {
        const caFile = `${dir}/engine-ca.pem`;
        await Deno.writeTextFile(caFile, pem);
        await using connection = new Connection({
          url: engine.url,
          username: USERNAME,
          password: PASSWORD,
          caFile,
        });
        await assert.rejects(connection.test(true), (error: Error) => {
          assert.ok(error instanceof OvirtError && !(error instanceof ConnectionError));
          assert.ok(
            error.message.startsWith(`The CA file "${caFile}": its certificate ${number} (of `),
            error.message,
          );
          assert.doesNotMatch(error.message, /peer|Cannot talk/);
          return true;
        });
      });
    }
    assert.equal(engine.logins.length, 0, "nothing was sent");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a CA certificate Deno refuses when the client is made is named as a CA", async () => {
  await using engine = await httpsEngine();
  // Its length written with a needless leading zero: node:crypto reads it, Deno's TLS does not.
  const octets = der[1] & 0x7f;
  const lengthened = new Uint8Array([0x30, 0x80 | (octets + 1), 0, ...der.subarray(2)]);
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    caCerts: [`${BEGIN}\n${encoded(lengthened)}\n${END}\n`],
  });
  await assert.rejects(connection.test(true), (error: Error) => {
    assert.ok(error instanceof OvirtError && !(error instanceof ConnectionError), String(error));
    assert.match(
      error.message,
      /^Cannot use the CA certificates to trust \(caFile, caCerts, or else the system's CA bundle\): Deno refused one of them, not the server's certificate: /,
    );
    return true;
  });
  assert.equal(engine.logins.length, 0, "nothing was sent");
});
