/**
 * A URL option refused as invalid never quotes its password, whatever makes it invalid:
 * a `#`, `/`, `?`, `\` or `@` left unencoded in the password (the usual reason), or a
 * missing `://`.
 */

import assert from "node:assert/strict";
import { Connection, OvirtError } from "../mod.ts";

/** Pieces of the password: none may show, whichever character cut the URL where. */
const PIECES = ["Xq9k", "Zt7w", "Kw4e", "Mn2r", "Lp5y"];

const PASSWORDS = [
  "Xq9k#Zt7w",
  "Xq9k/Zt7w",
  "Xq9k?Zt7w",
  "Xq9k\\Zt7w",
  "Xq9k#Zt7w/Kw4e?Mn2r@Lp5y",
  "Xq9k@Zt7w#Kw4e",
  "Xq9k:Zt7w/",
];

/** Shapes of a URL holding `user:password`, each invalid or not http(s). */
const SHAPES: ((credentials: string) => string)[] = [
  (c) => `http://${c}@proxy.example:3128`,
  (c) => `https://${c}@engine.example:99999/ovirt-engine/api`,
  (c) => `http//${c}@proxy.example:3128`,
  (c) => `https:/${c}@engine.example:99999/ovirt-engine/api`,
  (c) => `${c}@proxy.example:99999`,
  (c) => `socks5://${c}@proxy.example:1080`,
  (c) => `https://${c}@engine.example:99999/ovirt-engine/api?a=b@c#d@e`,
  (c) => `https://${c}@[::1/ovirt-engine/api`,
];

function base(option: string, value: string): Record<string, unknown> {
  const options: Record<string, unknown> = {
    url: "https://engine.example/ovirt-engine/api",
    username: "admin@internal",
    password: "not-shown",
  };
  options[option] = value;
  return options;
}

Deno.test("url options refused as invalid never quote their password", () => {
  let refused = 0;
  for (const option of ["url", "proxy", "ssoUrl", "ssoRevokeUrl"]) {
    for (const password of PASSWORDS) {
      for (const user of ["svc", "Xq9kUser"]) {
        for (const shape of SHAPES) {
          const value = shape(`${user}:${password}`);
          let error: unknown;
          try {
            new Connection(base(option, value) as never);
          } catch (caught) {
            error = caught;
          }
          // Some shapes parse (the host is taken from the password): those need no message.
          if (error === undefined) continue;
          refused++;
          assert.ok(error instanceof OvirtError, `${option} ${value}: ${error}`);
          assert.match(error.message, new RegExp(`The ${option} option`));
          for (const piece of PIECES) {
            assert.ok(!error.message.includes(piece), `${option} ${value}: ${error.message}`);
          }
        }
      }
    }
  }
  assert.ok(refused > 200, `only ${refused} refusals`);
});

Deno.test("a refused url still shows its host, and all of a URL without credentials", () => {
  assert.throws(
    () => new Connection(base("proxy", "http://svc:pa#ss@proxy.example:3128") as never),
    (error: Error) => error.message.includes('"http://***@proxy.example:3128"'),
  );
  assert.throws(
    () => new Connection(base("proxy", "http//svc:Secret1@proxy.example:3128") as never),
    (error: Error) => error.message.includes('"***@proxy.example:3128"'),
  );
  assert.throws(
    () => new Connection(base("url", "https://engine.example:99999/ovirt-engine/api") as never),
    (error: Error) => error.message.includes('"https://engine.example:99999/ovirt-engine/api"'),
  );
});
