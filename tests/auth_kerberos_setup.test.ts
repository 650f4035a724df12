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
    message: "Kerberos login calls the system's GSS-API library through Deno's FFI: run the " +
      "script with --allow-ffi",
  });
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
