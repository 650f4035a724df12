import assert from "node:assert/strict";
import { runScript } from "./script_run.ts";
import { OvirtError, scriptArgs, type ScriptFlag } from "../mod.ts";

const MOD = new URL("../mod.ts", import.meta.url).href;

/** Runs a script reading `args` with scriptArgs; its exit code, stdout and stderr. */
async function run(args: string[]) {
  const script = `
    import { scriptArgs } from "${MOD}";
    const { values, integer } = scriptArgs("Usage: script.ts --vm NAME [--count 3]", {
      vm: { type: "string" },
      count: { type: "string", default: "3" },
      dry: { type: "boolean" },
      tag: { type: "string", multiple: true },
    });
    console.log(JSON.stringify({ ...values, count: integer("count", values.count, 0) }));
  `;
  return await runScript(script, args);
}

Deno.test("scriptArgs: the flags' values, defaults, lists, and the connection's flags", async () => {
  const ran = await run([
    "--vm",
    "web1",
    "--tag",
    "a",
    "--tag",
    "b",
    "--dry",
    "--url",
    "https://engine/ovirt-engine/api",
    "--insecure",
  ]);
  assert.equal(ran.code, 0, ran.stderr);
  assert.deepEqual(JSON.parse(ran.stdout), {
    vm: "web1",
    count: 3,
    tag: ["a", "b"],
    dry: true,
    url: "https://engine/ovirt-engine/api",
    insecure: true,
  });
});

Deno.test("scriptArgs: a wrong command line is one line on stderr and exit code 2", async () => {
  const cases: [string[], RegExp][] = [
    [["--mv", "web1"], /^Unknown option '--mv'\. Usage: script\.ts --vm NAME \[--count 3\]\n$/],
    [["--vm"], /^Option '--vm <value>' argument missing\. Usage: script\.ts/],
    [["--count", "-1"], /argument is ambiguous.*--count=-XYZ.*\. Usage: script\.ts/],
    [["--count=-1"], /^--count takes a whole number of at least 0, not "-1"\. Usage: script\.ts/],
    [["--count", "2x"], /^--count takes a whole number of at least 0, not "2x"\. Usage/],
    [["web1"], /^Unexpected argument 'web1'.*\. Usage: script\.ts/],
    [["--insecure=maybe"], /^--insecure takes true or false, not "maybe"\. Usage: script\.ts/],
  ];
  for (const [args, stderr] of cases) {
    const ran = await run(args);
    assert.equal(ran.code, 2, `${args}: ${ran.stderr}`);
    assert.equal(ran.stdout, "", `${args}: nothing done`);
    assert.match(ran.stderr, stderr);
    assert.equal(ran.stderr.trimEnd().split("\n").length, 1, `${args}: one line`);
  }
});

Deno.test("scriptArgs: --insecure=false and --insecure=true, as connectionOptionsFromEnv reads them", () => {
  const read = (args: string[]) => scriptArgs("Usage: x", { vm: { type: "string" } }, args).values;
  assert.deepEqual({ ...read(["--insecure=false", "--vm", "a"]) }, { vm: "a" });
  assert.deepEqual({ ...read(["--insecure=1"]) }, { insecure: true });
  assert.deepEqual({ ...read(["--vm", "a", "--insecure=0"]) }, { vm: "a" });
  // The last one decides, as connectionOptionsFromEnv reads them.
  assert.deepEqual({ ...read(["--insecure", "--insecure=false"]) }, {});
  assert.deepEqual({ ...read(["--insecure=false", "--insecure"]) }, { insecure: true });
});

Deno.test("scriptArgs: reads the args it is given", () => {
  const { values, integer } = scriptArgs("Usage: x", { n: { type: "string" } }, ["--n", "7"]);
  assert.equal(integer("n", values.n!), 7);
});

Deno.test("scriptArgs: a script's own flag named like a connection flag is refused, by TypeScript too", () => {
  // connectionOptionsFromEnv reads --url itself: the script's default would not hold.
  assert.throws(
    // @ts-expect-error: `url` is a connection flag's name
    () => scriptArgs("Usage: x", { url: { type: "string", default: "https://e/api" } }, []),
    (error: unknown) =>
      error instanceof OvirtError &&
      /^scriptArgs: --url is a connection flag, read by connectionOptionsFromEnv/.test(
        error.message,
      ),
  );
  for (const name of ["username", "password", "ca-file", "insecure", "no-insecure"]) {
    const flags = { [name]: { type: "string" } } as Record<string, ScriptFlag>;
    assert.throws(
      () => scriptArgs("Usage: x", flags as never, []),
      new RegExp(`--${name} is a connection flag`),
    );
  }
});
