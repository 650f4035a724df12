/**
 * `deno task sim` (`testing/main.ts`) on its command line: `--help` lists every flag, and a
 * wrong command line is said in one line on stderr with exit status 2, never as an uncaught
 * exception with its stack.
 */

import assert from "node:assert/strict";

/** Runs the simulator's command with `args`; it must end by itself (every case here does). */
async function sim(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-read", "--allow-write", "testing/main.ts", ...args],
    cwd: new URL("..", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test("deno task sim --help lists every flag and starts nothing", async () => {
  for (const help of ["--help", "-h"]) {
    const { code, stdout, stderr } = await sim([help]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^Usage: deno task sim \[flags\]/);
    for (
      const flag of [
        "--plain",
        "--port N",
        "--vms N",
        "--empty",
        "--delay MS",
        "--seed N",
        "--password TEXT",
        "--token-lifetime MS",
        "--json",
        "--log",
      ]
    ) assert.ok(stdout.includes(`  ${flag} `), `${flag} in the usage`);
    assert.doesNotMatch(stdout, /simulator ready|URL:/);
  }
});

Deno.test("deno task sim: a wrong command line is one line on stderr, exit status 2", async () => {
  const cases: [string[], RegExp][] = [
    [["--bogus"], /Unknown option '--bogus'/],
    [["--port"], /'--port <value>' argument missing/],
    [["extra"], /Unexpected argument 'extra'/],
    [["--vms", "many"], /--vms takes a number, not "many"/],
    [["--seed", ""], /--seed takes a number, not ""/],
    [["--token-lifetime", "1h"], /--token-lifetime takes a number, not "1h"/],
    [["--port", "99999"], /port must be a whole number from 0 to 65535, not 99999/],
    [["--delay=-5"], /delay must be a number of milliseconds from 0 .*, not -5/],
  ];
  for (const [args, expected] of cases) {
    const { code, stdout, stderr } = await sim(args);
    const what = args.join(" ");
    assert.equal(code, 2, `${what}: ${stderr}`);
    assert.equal(stdout, "", what);
    assert.match(stderr, /^simulator: [^\n]*; see --help\n$/, what);
    assert.match(stderr, expected, what);
  }
});

Deno.test("deno task sim: a port already taken is one line on stderr, exit status 1", async () => {
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = taken.addr as Deno.NetAddr;
  for (const plain of [[], ["--plain"]]) {
    const { code, stdout, stderr } = await sim(["--port", String(port), ...plain]);
    assert.equal(code, 1, stderr);
    assert.equal(stdout, "");
    assert.equal(stderr, `simulator: port ${port} is in use\n`);
  }
});
