/**
 * Kerberos set-up mistakes that need no KDC: a script without `--allow-ffi` (whose other
 * logins keep working: nothing touches FFI when the SDK loads) and a GSS-API library that
 * is not installed.
 */

import assert from "node:assert/strict";
import { AuthError, Connection, OvirtError } from "../mod.ts";
import { openGssapi } from "../transport/kerberos/gssapi.ts";
import { runSession } from "./kerberos_child.ts";

Deno.test("kerberos: without --allow-ffi, a password login works and kerberos says to add it", async () => {
  const result = await runSession({ scenario: "withoutFfi", ffi: false });
  assert.deepEqual(result, {
    passwordWorks: true,
    error: "AuthError",
    message: "Kerberos login calls the system's Kerberos libraries (libgssapi_krb5.so.2, " +
      "libkrb5.so.3, libc.so.6) through Deno's FFI: run the script with --allow-ffi, for " +
      "every path (Deno allows the native memory access the SDK needs only so: " +
      "--allow-ffi=<paths> is not enough)",
  });
});

Deno.test("kerberos: --allow-ffi=<the libraries' paths> is told to be not enough, not to install", async () => {
  const folder = await Deno.makeTempDir({ prefix: "ovirt-sdk-ffi-" });
  try {
    const script = `${folder}/login.ts`;
    const sdk = new URL("../mod.ts", import.meta.url).href;
    await Deno.writeTextFile(
      script,
      `import { Connection } from ${JSON.stringify(sdk)};
await using connection = new Connection({ url: "https://localhost:9/ovirt-engine/api", kerberos: true });
await connection.authenticate().catch((error) => console.log(error.name + ": " + error.message));
`,
    );
    const paths = ["libgssapi_krb5.so.2", "libkrb5.so.3", "libc.so.6"]
      .map((file) => `/usr/lib/${Deno.build.arch}-linux-gnu/${file}`);
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", `--allow-ffi=${paths.join(",")}`, script],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(output.stdout);
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    assert.match(stdout, /^AuthError: Kerberos login calls the system's Kerberos libraries /);
    assert.match(stdout, /\(libgssapi_krb5\.so\.2, libkrb5\.so\.3, libc\.so\.6\)/);
    assert.match(stdout, /run the script with --allow-ffi, for every path/);
    assert.match(stdout, /--allow-ffi=<paths> is not enough/);
    assert.doesNotMatch(stdout, /install/);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("kerberos: a GSS-API library that cannot be loaded is an AuthError saying what to install", () => {
  assert.throws(() => openGssapi("libgssapi_krb5_not_installed.so.2"), (error: Error) => {
    assert.ok(error instanceof AuthError);
    assert.match(error.message, /libgssapi_krb5_not_installed\.so\.2, which could not be loaded/);
    assert.match(error.message, /apt-get install libgssapi-krb5-2/);
    assert.match(error.message, /dnf install krb5-libs/);
    return true;
  });
});

Deno.test("kerberos: kerberos: true is enough credentials; nothing at all is not", () => {
  assert.doesNotThrow(() =>
    new Connection({ url: "https://engine.test/ovirt-engine/api", kerberos: true })
  );
  assert.throws(
    () => new Connection({ url: "https://engine.test/ovirt-engine/api", kerberos: false }),
    (error: Error) => error instanceof OvirtError && /or kerberos/.test(error.message),
  );
});
