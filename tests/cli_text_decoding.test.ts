/**
 * What `ovirt` reads besides `--from` is decoded as strictly, run as processes against a
 * simulator whose password has an é: a password typed on a terminal or piped in that is not
 * UTF-8 is refused before it is sent (never sent as U+FFFD to fail as a wrong password), a
 * config file that is not UTF-8 is refused naming it, and a session file damaged so (or whose
 * token could not be sent) is treated as no session, as any other damage to it.
 */

import assert from "node:assert/strict";
import { type Simulator, startSimulator } from "../testing/mod.ts";
import { cliHome, cliProcess, oneErrorLine, ovirtFed } from "./cli_harness.ts";
import { hasTerminal, onTerminal } from "./cli_terminal_run.ts";

const encoder = new TextEncoder();
const PASSWORD = "caf\u00e9";

/** `text`'s bytes, each `\u00e9` in it written as the single Latin-1 byte 0xE9. */
function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char === "\u00e9" ? 0xe9 : char.charCodeAt(0));
}

/** A simulator whose password is {@link PASSWORD}, and the variables naming its engine. */
async function bench(): Promise<{ sim: Simulator; env: Record<string, string> } & AsyncDisposable> {
  const sim = await startSimulator({ delay: 0, password: PASSWORD });
  const home = await cliHome();
  return {
    sim,
    env: { ...home.env, OVIRT_URL: sim.url, OVIRT_USERNAME: sim.username },
    async [Symbol.asyncDispose]() {
      await home[Symbol.asyncDispose]();
      await sim[Symbol.asyncDispose]();
    },
  };
}

Deno.test("a password piped in that is not UTF-8 is refused before it is sent", async () => {
  await using run = await bench();
  const { sim, env } = run;
  for (const line of ["caf\u00e9\n", "caf\u00e9\r\nmore", "caf\u00e9"]) {
    const piped = await ovirtFed(["login"], env, latin1(line));
    assert.equal(piped.code, 2, piped.stderr);
    assert.equal(
      oneErrorLine(piped),
      "ovirt: The password read from standard input is not valid UTF-8: give it in UTF-8",
    );
  }
  assert.equal(sim.loginCount, 0);

  // The same password in UTF-8, after a byte order mark (Notepad's), logs in; so does a first
  // line whose next one is not UTF-8.
  const marked = [0xef, 0xbb, 0xbf, ...encoder.encode(`${PASSWORD}\r\n`)];
  const nextLineLatin = [...encoder.encode(`${PASSWORD}\n`), 0xe9];
  for (const bytes of [marked, nextLineLatin]) {
    const good = await ovirtFed(["login"], env, new Uint8Array(bytes));
    assert.equal(good.code, 0, good.stderr);
  }
  assert.equal(sim.loginCount, 2);
});

Deno.test({
  name: "a password typed on a terminal that is not UTF-8 is refused before it is sent",
  ignore: !(await hasTerminal),
  fn: async () => {
    await using run = await bench();
    const { sim, env } = run;
    const bad = await onTerminal(["login"], env, {
      prompt: "Password for",
      text: latin1(`${PASSWORD}\r`),
    });
    assert.equal(bad.code, 2, bad.screen);
    assert.match(
      bad.screen,
      /ovirt: The password typed is not valid UTF-8: check the terminal's encoding\r\n/,
    );
    assert.ok(!bad.screen.includes("caf"), "nothing typed is shown");
    assert.equal(sim.loginCount, 0);

    const good = await onTerminal(["login"], env, {
      prompt: "Password for",
      text: `${PASSWORD}\r`,
    });
    assert.equal(good.code, 0, good.screen);
    assert.equal(sim.loginCount, 1);
  },
});

Deno.test("a config file that is not UTF-8 is refused, naming it and where", async () => {
  await using cli = cliProcess(); // its commands without input run one after the other in it
  await using run = await bench();
  const { env } = run;
  const path = `${env.XDG_CONFIG_HOME}/ovirt/config.json`;
  await Deno.mkdir(`${env.XDG_CONFIG_HOME}/ovirt`, { recursive: true });
  const text = '{"profiles": {"lab": {"username": "jos\u00e9@internal"}}}';
  await Deno.writeFile(path, latin1(text));
  const at = text.indexOf("\u00e9");
  for (const args of [["profile", "show", "lab"], ["vms", "list"]]) {
    const refused = await cli.run(args, { ...env, OVIRT_PASSWORD: PASSWORD });
    assert.equal(refused.code, 2, refused.stderr);
    assert.equal(
      oneErrorLine(refused),
      `ovirt: ${path}: not UTF-8 at line 1, column ${at + 1} (byte offset ${at}): ` +
        "save it as UTF-8",
    );
  }

  // Notepad's UTF-16 without a byte order mark is named; UTF-8 after one is read.
  const utf16 = new Uint8Array(2 * text.length);
  [...text].forEach((char, i) => utf16[2 * i] = char.charCodeAt(0));
  await Deno.writeFile(path, utf16);
  const wide = await cli.run(["profile", "show", "lab"], env);
  assert.equal(wide.code, 2, wide.stderr);
  assert.equal(
    oneErrorLine(wide),
    `ovirt: ${path}: UTF-16 without a byte order mark: save it as UTF-8`,
  );
  await Deno.writeFile(path, new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode(text)]));
  const shown = await cli.run(["profile", "show", "lab", "-o", "json"], env);
  assert.equal(shown.code, 0, shown.stderr);
  assert.equal(JSON.parse(shown.stdout).username, "jos\u00e9@internal");
});

Deno.test("a session file not UTF-8, or whose token cannot be sent, is none", async () => {
  await using cli = cliProcess(); // its commands without input run one after the other in it
  await using run = await bench();
  const { sim, env } = run;
  const login = await cli.run(["login"], { ...env, OVIRT_PASSWORD: PASSWORD });
  assert.equal(login.code, 0, login.stderr);
  const dir = `${env.XDG_CACHE_HOME}/ovirt/sessions`;
  const [entry] = await Array.fromAsync(Deno.readDir(dir));
  const path = `${dir}/${entry.name}`;
  const session = JSON.parse(await Deno.readTextFile(path));
  // A byte of the token turned into a Latin-1 é, or into a UTF-8 one, which no token holds.
  let logins = 1;
  for (const damage of [latin1, (text: string) => encoder.encode(text)]) {
    const token = `${session.token.slice(1)}\u00e9`;
    await Deno.writeFile(path, damage(JSON.stringify({ ...session, token })));
    const alone = await cli.run(["vms", "list", "-o", "ids"], env);
    assert.equal(alone.code, 4, alone.stderr);
    assert.match(oneErrorLine(alone), /^ovirt: Not logged in: run `ovirt login`/);
    const withPassword = await cli.run(["vms", "list", "-o", "ids"], {
      ...env,
      OVIRT_PASSWORD: PASSWORD,
    });
    assert.equal(withPassword.code, 0, withPassword.stderr);
    assert.ok(withPassword.stdout.trim() !== "", "the VMs were listed");
    assert.equal(sim.loginCount, ++logins, "the password logged in again");
  }
  const again = await cli.run(["login"], { ...env, OVIRT_PASSWORD: PASSWORD });
  assert.equal(again.code, 0, again.stderr);
  assert.match(JSON.parse(await Deno.readTextFile(path)).token, /^[\x21-\x7e]+$/);
});
