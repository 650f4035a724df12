/**
 * What `ovirt` prints: YAML that a YAML parser reads back whatever characters the values
 * hold (DEL, C1 controls, NEL, line and paragraph separators), and tables whose columns
 * line up on a terminal when cells hold CJK text.
 */

import assert from "node:assert/strict";
import { parse } from "npm:yaml@2";
import { toYaml } from "../cli/output/yaml.ts";
import { cliBench, ovirt } from "./cli_harness.ts";

/** Characters YAML does not take raw (that XML can carry), with neighbours it takes. */
const AWKWARD = 'a\u007fb\u0080\u0085c\u009f\u2028d\u2029e\t\n"\\ é 日本 🎉';

Deno.test("toYaml escapes what YAML does not take raw, and reads back exactly", () => {
  const more = `${AWKWARD}\ufffe\uffff\u001b[31m`;
  const value = { [more]: [more, { nested: AWKWARD }], plain: "web1", n: 3 };
  const text = toYaml(value);
  assert.deepEqual(parse(text), value);
  assert.ok(!/[\u007f-\u009f\u2028\u2029\ufffe\uffff]/.test(text), JSON.stringify(text));
  assert.ok(text.includes("\\x7f") && text.includes("\\x85") && text.includes("\\u2028"), text);
});

Deno.test("ovirt -o yaml prints a VM whose description holds C1 characters as valid YAML", async () => {
  await using bench = await cliBench();
  const vms = bench.connection.systemService().vmsService();
  const vm = await vms.add({
    name: "yaml-controls",
    description: AWKWARD,
    cluster: { name: "Default" },
    template: { name: "Blank" },
  });
  const yaml = await ovirt(["vm", "show", vm.id!, "-o", "yaml"], bench.env);
  assert.equal(yaml.code, 0, yaml.stderr);
  const json = await ovirt(["vm", "show", vm.id!, "-o", "json"], bench.env);
  assert.ok(!/[\u007f-\u009f\u2028\u2029]/.test(yaml.stdout), "escaped, not raw");
  assert.match(yaml.stdout, /^description: "a\\x7fb\\x80\\x85c\\x9f\\u2028d\\u2029e\\t\\n/m);
  assert.deepEqual(parse(yaml.stdout), JSON.parse(json.stdout));
  assert.equal(parse(yaml.stdout).description, AWKWARD);
});

Deno.test("tables align and fit CJK text by the columns it takes on a terminal", async () => {
  await using bench = await cliBench();
  const vms = bench.connection.systemService().vmsService();
  const ids: string[] = [];
  for (const [name, description] of [["cjk-1", "日本語のテキスト"], ["cjk-2", "plain"]]) {
    const vm = await vms.add({
      name,
      description,
      cluster: { name: "Default" },
      template: { name: "Blank" },
    });
    ids.push(vm.id!);
  }
  const args = ["vms", "list", "--search", "name=cjk-*", "-c", "name,description,id"];
  const table = await ovirt(args, bench.env);
  assert.equal(table.code, 0, table.stderr);
  assert.equal(
    table.stdout,
    `NAME   DESCRIPTION       ID\n` +
      `cjk-1  日本語のテキスト  ${ids[0]}\n` +
      `cjk-2  plain             ${ids[1]}\n`,
  );
  // Each CJK character takes two columns of the 30.
  const columns = (line: string) =>
    [...line].reduce((sum, c) => sum + (/[\u3000-\u9fff]/.test(c) ? 2 : 1), 0);
  const fitted = await ovirt(args, { ...bench.env, COLUMNS: "30" });
  assert.equal(fitted.code, 0, fitted.stderr);
  const lines = fitted.stdout.trimEnd().split("\n");
  for (const line of lines) assert.ok(columns(line) <= 30, `${columns(line)}: ${line}`);
  assert.match(lines[1], /^cjk-1 {2}日本語/);
  assert.match(lines[1], /…/);
});
