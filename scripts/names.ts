/**
 * The naming rules of the API: model names to words, and words to XML tags, URL
 * segments, query names and TypeScript names. Only the importer uses them; the
 * generator reads the computed names from the model file.
 *
 * @module
 */

/** Splits a model name into lower-case words: strip `_` at both ends, split before capitals. */
export function words(name: string): string[] {
  const stripped = name.replace(/^_+|_+$/g, "");
  const result: string[] = [];
  let current = "";
  for (const ch of stripped) {
    if (ch >= "A" && ch <= "Z" && current !== "") {
      result.push(current);
      current = "";
    }
    current += ch.toLowerCase();
  }
  if (current !== "") result.push(current);
  return result;
}

/** Splits an enum constant (`IMAGE_LOCKED`) into lower-case words. */
export function constantWords(name: string): string[] {
  return name.split("_").filter((word) => word !== "").map((word) => word.toLowerCase());
}

/** Joins words with `_`. */
export function snake(list: readonly string[]): string {
  return list.join("_");
}

/** Joins words with nothing (URL segments, link rels). */
export function flat(list: readonly string[]): string {
  return list.join("");
}

const TAG_EXCEPTIONS: Readonly<Record<string, string>> = {
  gluster_brick: "brick",
  gluster_bricks: "bricks",
  gluster_brick_memory_info: "brick_memoryinfo",
  gluster_memory_pool: "memory_pool",
  gluster_memory_pools: "memory_pools",
  gluster_server_hook: "server_hook",
  gluster_server_hooks: "server_hooks",
  migration_options: "migration",
  numa_node: "host_numa_node",
  numa_nodes: "host_numa_nodes",
  virtual_numa_node: "vm_numa_node",
  virtual_numa_nodes: "vm_numa_nodes",
  operating_system: "os",
  operating_systems: "oss",
  operating_system_info: "operating_system",
  operating_system_infos: "operation_systems",
  transparent_huge_pages: "transparent_hugepages",
  ...Object.fromEntries(
    [
      "image",
      "image_provider",
      "network",
      "network_provider",
      "subnet",
      "volume",
      "volume_provider",
    ].flatMap((rest) => [
      [`open_stack_${rest}`, `openstack_${rest}`],
      [`open_stack_${rest}s`, `openstack_${rest}s`],
    ]),
  ),
};

/** The XML name of words: `snake` after the exception table. */
export function tag(list: readonly string[]): string {
  const computed = snake(list);
  // Own entries only: `constructor` is no exception, whatever every object inherits.
  return Object.hasOwn(TAG_EXCEPTIONS, computed) ? TAG_EXCEPTIONS[computed] : computed;
}

function replaceLast(list: readonly string[], last: string): string[] {
  return [...list.slice(0, -1), last];
}

/** Plural of words: only the last word changes. */
export function plural(list: readonly string[]): string[] {
  const last = list[list.length - 1];
  if (last === "display" || last === "key") return replaceLast(list, `${last}s`);
  if (last === "erratum") return replaceLast(list, "errata");
  if (last.endsWith("y")) return replaceLast(list, `${last.slice(0, -1)}ies`);
  return replaceLast(list, `${last}s`);
}

/** Singular of words: only the last word changes. */
export function singular(list: readonly string[]): string[] {
  const last = list[list.length - 1];
  if (last === "errata") return replaceLast(list, "erratum");
  if (last.endsWith("ies")) return replaceLast(list, `${last.slice(0, -3)}y`);
  if (last.endsWith("s")) return replaceLast(list, last.slice(0, -1));
  return [...list];
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** PascalCase of words: TypeScript type and class names. */
export function pascal(list: readonly string[]): string {
  return list.map(capitalize).join("");
}

/** camelCase of words: TypeScript property and method names. */
export function camel(list: readonly string[]): string {
  return list.map((word, index) => index === 0 ? word : capitalize(word)).join("");
}
