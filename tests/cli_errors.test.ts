/**
 * The error line of `ovirt` when the engine's own text is hostile: escape sequences, C1
 * controls and bidirectional overrides in an SSO error or a fault are shown as escapes,
 * never raw, and a huge message is cut to a line of a few KB that says it was cut.
 */

import assert from "node:assert/strict";
import { errorLine, MAX_ERROR_MESSAGE } from "../cli/errors.ts";
import { cliHome, oneErrorLine, ovirt } from "./cli_harness.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";

/** What no error line may carry raw: C0 (but the final line break), DEL, C1, bidi controls. */
// deno-lint-ignore no-control-regex -- control characters are what is looked for
const RAW_CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Runs `ovirt vms list` against a fake engine answering as `options` say. */
async function listAgainst(options: Parameters<typeof startFakeEngine>[0]) {
  await using engine = await startFakeEngine(options);
  await using home = await cliHome();
  return await ovirt(["vms", "list"], {
    ...home.env,
    OVIRT_URL: engine.url,
    OVIRT_USERNAME: USERNAME,
    OVIRT_PASSWORD: PASSWORD,
  });
}

Deno.test("an SSO error_description with escape sequences is printed escaped", async () => {
  const run = await listAgainst({
    sso: () =>
      Response.json({
        error: "access_denied",
        error_description: "\u001b[2J\u001b[H\u001b[31mYour password expired\u001b[0m\u0007",
      }, { status: 400 }),
  });
  assert.equal(run.code, 4, run.stderr);
  const line = oneErrorLine(run);
  assert.doesNotMatch(run.stderr, RAW_CONTROLS, JSON.stringify(run.stderr));
  assert.match(line, /\\u001b\[2J\\u001b\[H\\u001b\[31mYour password expired\\u001b\[0m\\u0007/);
});

Deno.test("a fault with C1 controls and a bidi override is printed escaped", async () => {
  const run = await listAgainst({
    api: () =>
      xml(
        "<fault><reason>\u009b2J\u009b31mC1 CSI</reason><detail>\u202eevil\u2066</detail></fault>",
        400,
      ),
  });
  assert.equal(run.code, 7, run.stderr);
  const line = oneErrorLine(run);
  assert.doesNotMatch(run.stderr, RAW_CONTROLS, JSON.stringify(run.stderr));
  assert.match(line, /\\u009b2J\\u009b31mC1 CSI: \\u202eevil\\u2066/);
});

Deno.test("a 200 KB SSO error_description gives an error line of a few KB", async () => {
  const run = await listAgainst({
    sso: () =>
      Response.json({ error: "access_denied", error_description: "x".repeat(200_000) }, {
        status: 400,
      }),
  });
  assert.equal(run.code, 4, run.stderr.slice(0, 200));
  const line = oneErrorLine(run);
  assert.ok(line.length < 8192, `${line.length} characters`);
  assert.match(line, /^ovirt: SSO login at \S+ failed: x+/);
});

Deno.test("errorLine cuts a long message, never inside an escape, and says how much it cut", () => {
  // An escape would straddle the cut: none of it is shown.
  const message = "x".repeat(MAX_ERROR_MESSAGE - 3) + "\u001b".repeat(100_000) + "\n end";
  const line = errorLine(new Error(message));
  const shown = line.slice("ovirt: ".length);
  const match = /^(x+)… \((\d+) more characters cut\)$/.exec(shown);
  assert.ok(match, shown.slice(-80));
  assert.equal(match[1].length, MAX_ERROR_MESSAGE - 3);
  const escaped = (MAX_ERROR_MESSAGE - 3) + 6 * 100_000 + " end".length; // the line break folded
  assert.equal(Number(match[2]), escaped - (MAX_ERROR_MESSAGE - 3));
  assert.equal(errorLine(new Error("short\n  and\n\n folded ")), "ovirt: short and folded");
});
