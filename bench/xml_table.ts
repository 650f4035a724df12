/**
 * Turns the JSON of `deno bench --json bench/xml_bench.ts` (on standard input) into the
 * Markdown table of `bench/RESULTS.md`: for each corpus and spelling, our typed reader's
 * and saxes' throughput and the ratio, each pair measured in the same run. Throughput is
 * taken from each contender's fastest iteration (`min`), which a loaded machine disturbs
 * least; the group's `avg` is in the JSON too.
 *
 * `deno bench --allow-all --json bench/xml_bench.ts | deno run bench/xml_table.ts`
 *
 * @module
 */

interface BenchResult {
  readonly group?: string;
  readonly name: string;
  readonly results: readonly { readonly ok?: { readonly min: number } }[];
}

const input = JSON.parse(await new Response(Deno.stdin.readable).text()) as {
  benches: BenchResult[];
};
const GROUP = /^(.+) \| (.+) \| (\d+) bytes x(\d+)$/;
const rows = new Map<string, { ours?: number; saxes?: number; bytes: number }>();
for (const bench of input.benches) {
  const match = bench.group?.match(GROUP);
  const nanoseconds = bench.results[0]?.ok?.min;
  if (!match || nanoseconds === undefined) continue;
  const bytes = Number(match[3]) * Number(match[4]);
  const row = rows.get(bench.group!) ?? { bytes };
  if (bench.name.startsWith("ours:")) row.ours = nanoseconds;
  if (bench.name.startsWith("saxes:")) row.saxes = nanoseconds;
  rows.set(bench.group!, row);
}

const mbps = (bytes: number, nanoseconds: number) => (bytes / nanoseconds * 1000).toFixed(0);
console.log("| corpus | spelling | size | ours MB/s | saxes MB/s | x saxes |");
console.log("| --- | --- | --- | --- | --- | --- |");
let lowest = Infinity;
for (const [group, { ours, saxes, bytes }] of rows) {
  if (ours === undefined || saxes === undefined) continue;
  const [, corpus, spelling, size] = group.match(GROUP)!;
  const ratio = saxes / ours;
  lowest = Math.min(lowest, ratio);
  const kb = Number(size) >= 1e6 ? `${(Number(size) / 1e6).toFixed(1)} MB` : `${size} B`;
  console.log(
    `| ${corpus} | ${spelling} | ${kb} | ${mbps(bytes, ours)} | ${mbps(bytes, saxes)} | ${
      ratio.toFixed(2)
    } |`,
  );
}
console.log(`\nLowest ratio: ${lowest.toFixed(2)}x saxes.`);
