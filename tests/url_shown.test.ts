/**
 * How a refused URL option is quoted: never a piece of its user name or password, whatever the
 * password holds (`@`, `/`, `#`, `?`, `\`, `:`, digits, percent-encoded or not) and wherever it
 * makes the URL invalid; and the host of a URL without credentials even when its path, query or
 * fragment holds an `@`.
 */

import assert from "node:assert/strict";
import { Connection, OvirtError } from "../mod.ts";

/** Pieces of user names and passwords: none may show. */
const PIECES = ["Vb3n", "Hq8s", "Rw2u", "Jd6c", "57319"];

const USERS = ["svc", "Vb3nUser", "admin@internal", "Vb3n@internal", "DOM\\Vb3n"];

const PASSWORDS = [
  "Hq8s@Rw2u",
  "Hq8s/Rw2u@Jd6c",
  "Hq8s?Rw2u#Jd6c",
  "Hq8s#Rw2u/Jd6c?Vb3n@Hq8s",
  "Hq8s%40Rw2u%2FJd6c",
  "Hq8s%2F@Rw2u",
  "57319/Hq8s",
  "57319@Hq8s",
  "57319",
  ":Hq8s/",
  "Hq8s\\Rw2u",
  "Hq8s:Rw2u@",
  "/Hq8s",
  "@Hq8s",
];

/** Shapes of a URL holding `credentials` (`user:password`), which may then be refused. */
const SHAPES: ((credentials: string) => string)[] = [
  (c) => `https://${c}@engine.example:99999/ovirt-engine/api`,
  (c) => `https://${c}@engine.example:99999/ovirt-engine/api?x=a@b#c@d`,
  (c) => `https://${c}@engine example/ovirt-engine/api?x=a@b`,
  (c) => `htps://${c}@engine.example/ovirt-engine/api?x=a@b`,
  (c) => `socks5://${c}@proxy.example:1080/x@y`,
  (c) => `ftp://${c}@engine.example/pub?x=a@b`,
  (c) => `http//${c}@proxy.example:3128`,
  (c) => `https:/${c}@engine.example:99999/`,
  (c) => `https:///${c}@engine.example:99999/`,
  (c) => `${c}@proxy.example:99999`,
  (c) => `https://${c}@[::1/ovirt-engine/api`,
  (c) => `https://:${c}@engine.example:99999/`,
];

function options(option: string, value: string): Record<string, unknown> {
  const all: Record<string, unknown> = {
    url: "https://engine.example/ovirt-engine/api",
    token: "t",
  };
  all[option] = value;
  return all;
}

/** The message `value` is refused with as `option`, or `undefined` if it is taken. */
function refusal(option: string, value: string): string | undefined {
  try {
    new Connection(options(option, value) as never);
  } catch (error) {
    assert.ok(error instanceof OvirtError, `${option} ${value}: ${error}`);
    assert.match(error.message, new RegExp(`The ${option} option`));
    return error.message;
  }
  return undefined;
}

/** The message a transfer request to `url` is refused with. */
async function transferRefusal(url: string): Promise<string> {
  await using connection = new Connection(options("url", "https://engine.example/api") as never);
  const error = await connection.transferRequest({ method: "GET", url }).then(
    () => assert.fail(`${url} was taken`),
    (error) => error,
  );
  assert.ok(error instanceof OvirtError, `${url}: ${error}`);
  return error.message;
}

Deno.test("a refused url never quotes a piece of its user name or password", async () => {
  let refused = 0;
  for (const user of USERS) {
    for (const password of PASSWORDS) {
      for (const shape of SHAPES) {
        const value = shape(`${user}:${password}`);
        const messages = [await transferRefusal(value)];
        for (const option of ["url", "proxy", "ssoUrl", "ssoRevokeUrl"]) {
          const message = refusal(option, value);
          if (message !== undefined) messages.push(message);
        }
        refused += messages.length;
        for (const message of messages) {
          for (const piece of PIECES) {
            assert.ok(!message.includes(piece), `${value}: ${message}`);
          }
        }
      }
    }
  }
  assert.ok(refused > 2_000, `only ${refused} refusals`);
});

/** URLs without credentials, refused, with an `@` after their host: each shown whole. */
const WITHOUT_CREDENTIALS = [
  "htps://engine.example/ovirt-engine/api?x=a@b",
  "ftp://engine.example/pub/a@b",
  "socks5://proxy.example/x#a@b",
  "https://engine example/ovirt-engine/api?search=name%3Dx@y",
  "https://engine|example/ovirt-engine/api@v4",
  "htps://engine.example?owner=admin@internal",
];

Deno.test("a refused url without credentials shows its host, an @ in its path or query too", () => {
  for (const value of WITHOUT_CREDENTIALS) {
    for (const option of ["url", "proxy"]) {
      const message = refusal(option, value);
      assert.ok(message?.endsWith(`"${value}"`), `${value}: ${message}`);
    }
  }
});

Deno.test("a refused transfer URL without credentials shows its host, not its ticket", async () => {
  const message = await transferRefusal("htps://imageio.example/images/Hq8s-ticket@1");
  assert.ok(message.endsWith('"htps://imageio.example/..."'), message);
});

Deno.test("where a user and password cannot be told from a host, only what follows the last @ shows", () => {
  // `engine.example` could be a user name, `99999/ovirt-engine/api?x=a` a password.
  assert.ok(
    refusal("url", "https://engine.example:99999/ovirt-engine/api?x=a@b")?.endsWith(
      '"https://***@b"',
    ),
  );
  // Without `://`, where the user name starts is not known.
  assert.ok(refusal("proxy", "http//proxy.example/a@b")?.endsWith('"***@b"'));
});

Deno.test("a url whose password of digits and / parses as a host and port is refused, not taken", () => {
  // Parsed, it is host `svc`, port 57319, path `/Hq8s@engine.example/...`.
  for (const option of ["url", "proxy", "ssoUrl"]) {
    const message = refusal(option, "https://svc:57319/Hq8s@engine.example/ovirt-engine/api");
    assert.ok(message?.includes("percent-encode them"), `${option}: ${message}`);
    assert.ok(message!.endsWith('"https://***@engine.example/ovirt-engine/api"'), message);
  }
  // A URL with a port and no @ after it is taken.
  assert.equal(refusal("url", "https://engine.example:8443/ovirt-engine/api?owner=x"), undefined);
});
