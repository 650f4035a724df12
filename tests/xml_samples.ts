/**
 * Sample objects of every struct of the model, every member set, for the XML tests.
 *
 * @module
 */

import { ENUMS, STRUCTS } from "../types/metadata.ts";
import type { MemberMeta, StructMeta } from "../transport/xml/metadata.ts";
import { integerRange } from "../transport/xml/writer.ts";

/** How deep {@link sample} nests structs before it leaves them empty. */
export const MAX_DEPTH = 2;

function allMembers(struct: StructMeta): MemberMeta[] {
  const own = [...struct.members];
  return struct.base === undefined ? own : [...allMembers(STRUCTS[struct.base]), ...own];
}

/**
 * An object of struct `type` with a value for every member (`seed` varies them), nested
 * structs down to {@link MAX_DEPTH}, then empty objects.
 */
export function sample(type: string, depth: number, seed: number): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  if (depth > MAX_DEPTH) return object;
  allMembers(STRUCTS[type]).forEach((member, index) => {
    const n = seed * 31 + index;
    const one = () => sampleValue(member, depth, n);
    object[member.name] = member.list ? [one(), sampleValue(member, depth, n + 1)] : one();
  });
  return object;
}

function sampleValue(member: MemberMeta, depth: number, n: number): unknown {
  switch (member.kind) {
    case "string":
      return [` ${member.name} <&> "q" 'a' `, "caf\u00e9 \u{1f600}\ttab\r\nline", ""][n % 3];
    case "boolean":
      return n % 2 === 0;
    case "integer": { // within the member's range (the writer refuses what is beyond)
      const value = [n, -n, 9007199254740991, 0][n % 4];
      const { min, max } = integerRange(member);
      return BigInt(value) < min ? -value : BigInt(value) > max ? Number(max) : value;
    }
    case "decimal":
      return [n + 0.25, -1e-7, 1.5e21, 0][n % 4];
    case "date":
      return new Date(Date.UTC(2000 + (n % 30), n % 12, 1 + (n % 28), n % 24, n % 60, 7, n % 1000));
    case "enum": {
      const values = ENUMS[member.type!].values;
      return values[n % values.length];
    }
    case "struct":
      return sample(member.type!, depth + 1, n);
  }
}
