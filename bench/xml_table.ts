/**
 * Turns the JSON of `deno bench --json bench/xml_bench.ts` (on standard input) into the
 * Markdown tables of `bench/RESULTS.md`: the big VM list (each contender's time and MB/s),
 * then for each corpus and spelling our typed reader's, saxes' and libxml2's throughput and
 * our ratio to each, all measured in the same run (libxml2's columns say `-` where it was
 * skipped). Throughput is taken from each contender's fastest iteration (`min`), which a
 * loaded machine disturbs least; the group's `avg` is in the JSON too.
 *
 * `deno bench --allow-all --json bench/xml_bench.ts | deno run bench/xml_table.ts`
 *
 * @module
 */

interface BenchResult {
  readonly group?: string;
  readonly name: string;
  readonly results: readonly { readonly ok?: { readonly min: number; readonly avg: number } }[];
}

const input = JSON.parse(await new Response(Deno.stdin.readable).text()) as {
  benches: BenchResult[];
};
const LIST = /^\d+ VMs, ([\d.]+) MB$/;
const GROUP = /^(.+) \| (.+) \| (\d+) bytes x(\d+)$/;
const CONTENDERS = ["ours", "saxes", "libxml2"] as const;
type Contender = typeof CONTENDERS[number];
const rows = new Map<string, { [name in Contender]?: number } & { bytes: number }>();
const mbps = (bytes: number, nanoseconds: number) => (bytes / nanoseconds * 1000).toFixed(0);
const ms = (nanoseconds: number) => `${(nanoseconds / 1e6).toFixed(0)} ms`;

const list: string[] = [];
for (const bench of input.benches) {
  const ok = bench.results[0]?.ok;
  const size = bench.group?.match(LIST);
  if (ok && size) {
    if (!list.length) {
      list.push(
        `**${bench.group}**`,
        "",
        "| benchmark | avg | min | MB/s |",
        "| --- | --- | --- | --- |",
      );
    }
    // The object floor reads no XML: its MB/s would mean nothing.
    const speed = bench.name.startsWith("floor: the typed")
      ? "-"
      : mbps(Number(size[1]) * 1e6, ok.min);
    list.push(`| ${bench.name} | ${ms(ok.avg)} | ${ms(ok.min)} | ${speed} |`);
    continue;
  }
  const match = bench.group?.match(GROUP);
  const contender = CONTENDERS.find((name) => bench.name.startsWith(`${name}:`));
  if (!ok || !match || !contender) continue;
  const row = rows.get(bench.group!) ?? { bytes: Number(match[3]) * Number(match[4]) };
  row[contender] = ok.min;
  rows.set(bench.group!, row);
}

console.log(list.join("\n"));
console.log(
  "\n| corpus | spelling | size | ours MB/s | saxes MB/s | libxml2 MB/s | x saxes | x libxml2 |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
let lowest = Infinity;
let lowestLibxml2 = Infinity;
for (const [group, { ours, saxes, libxml2, bytes }] of rows) {
  if (ours === undefined || saxes === undefined) continue;
  const [, corpus, spelling, size] = group.match(GROUP)!;
  lowest = Math.min(lowest, saxes / ours);
  if (libxml2 !== undefined) lowestLibxml2 = Math.min(lowestLibxml2, libxml2 / ours);
  const kb = Number(size) >= 1e6 ? `${(Number(size) / 1e6).toFixed(1)} MB` : `${size} B`;
  const cells = [
    corpus,
    spelling,
    kb,
    mbps(bytes, ours),
    mbps(bytes, saxes),
    libxml2 === undefined ? "-" : mbps(bytes, libxml2),
    (saxes / ours).toFixed(2),
    libxml2 === undefined ? "-" : (libxml2 / ours).toFixed(2),
  ];
  console.log(`| ${cells.join(" | ")} |`);
}
if (lowest !== Infinity) console.log(`\nLowest ratio: ${lowest.toFixed(2)}x saxes.`);
if (lowestLibxml2 !== Infinity) console.log(`Lowest ratio: ${lowestLibxml2.toFixed(2)}x libxml2.`);
