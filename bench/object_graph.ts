/**
 * A floor for any reader that returns the SDK's typed objects: {@link recordGraph} writes
 * the objects of a parsed list document onto a flat tape, and {@link replayGraph} builds the
 * same objects again from it with the same generated builders, slot arrays and `Date`s,
 * but without any XML. Strings are reused, not created, so the floor is a generous one.
 *
 * @module
 */

import "../types/register.ts";
import { MODEL_SCHEMA, STRUCT, type StructInfo } from "../transport/xml/schema.ts";

const OPEN = 0; // struct: opens a struct frame
const SET = 1; // index, value: a member value
const SET_DATE = 2; // index, epoch milliseconds: a date member
const SET_LINK = 3; // index, href: an empty list that carries the link's href
const OPEN_LIST = 4; // opens a list
const ITEM = 5; // value: a primitive list item
const CLOSE_INTO_SLOT = 6; // index: builds the struct, stores it in the parent's slot
const CLOSE_INTO_LIST = 7; // builds the struct, appends it to the open list
const CLOSE_LIST = 8; // index: stores the open list in the struct's slot (-1: the result)

type LinkList = unknown[] & { href?: string };

/** Writes the items of a list document read as `<tag>` items (e.g. `"vm"`) onto a tape. */
export function recordGraph(items: readonly object[], tag: string): unknown[] {
  const root = MODEL_SCHEMA.root(tag);
  if (root === undefined) throw new Error(`unknown root <${tag}>`);
  const struct = MODEL_SCHEMA.struct(root.type);
  const tape: unknown[] = [OPEN_LIST];
  for (const item of items) {
    recordStruct(item as Record<string, unknown>, struct, tape);
    tape.push(CLOSE_INTO_LIST);
  }
  tape.push(CLOSE_LIST, -1);
  return tape;
}

function recordStruct(object: Record<string, unknown>, struct: StructInfo, tape: unknown[]) {
  tape.push(OPEN, struct);
  for (const member of struct.members) {
    const value = object[member.name];
    if (value === undefined) continue;
    if (member.list) {
      const list = value as LinkList;
      if (list.length === 0 && list.href !== undefined) {
        tape.push(SET_LINK, member.index, list.href);
        continue;
      }
      tape.push(OPEN_LIST);
      for (const item of list) {
        if (member.kind !== STRUCT) tape.push(ITEM, item);
        else {
          recordStruct(item as Record<string, unknown>, member.struct, tape);
          tape.push(CLOSE_INTO_LIST);
        }
      }
      tape.push(CLOSE_LIST, member.index);
    } else if (member.kind === STRUCT) {
      recordStruct(value as Record<string, unknown>, member.struct, tape);
      tape.push(CLOSE_INTO_SLOT, member.index);
    } else if (value instanceof Date) {
      tape.push(SET_DATE, member.index, value.getTime());
    } else {
      tape.push(SET, member.index, value);
    }
  }
}

/** Builds the objects on `tape` again; returns the list of items. */
export function replayGraph(tape: readonly unknown[]): unknown[] {
  const slotArrays: unknown[][] = [];
  const structs: StructInfo[] = [];
  const lists: unknown[][] = [];
  let depth = -1;
  let listDepth = -1;
  let result: unknown[] = [];
  for (let at = 0; at < tape.length;) {
    const op = tape[at++] as number;
    if (op === SET) {
      const index = tape[at++] as number;
      slotArrays[depth][index] = tape[at++];
    } else if (op === OPEN) {
      const struct = tape[at++] as StructInfo;
      structs[++depth] = struct;
      if (slotArrays[depth] === undefined || slotArrays[depth].length < struct.members.length) {
        slotArrays[depth] = new Array(Math.max(struct.members.length, 16)).fill(undefined);
      }
    } else if (op === SET_DATE) {
      const index = tape[at++] as number;
      slotArrays[depth][index] = new Date(tape[at++] as number);
    } else if (op === SET_LINK) {
      const index = tape[at++] as number;
      const list: LinkList = new Array(0);
      list.href = tape[at++] as string;
      slotArrays[depth][index] = list;
    } else if (op === OPEN_LIST) {
      lists[++listDepth] = new Array(0);
    } else if (op === ITEM) {
      lists[listDepth].push(tape[at++]);
    } else if (op === CLOSE_INTO_SLOT || op === CLOSE_INTO_LIST) {
      const struct = structs[depth];
      const slots = slotArrays[depth--];
      const built = new struct.build(slots);
      for (let i = 0, size = struct.members.length; i < size; i++) slots[i] = undefined;
      if (op === CLOSE_INTO_LIST) lists[listDepth].push(built);
      else slotArrays[depth][tape[at++] as number] = built;
    } else if (op === CLOSE_LIST) {
      const index = tape[at++] as number;
      const list = lists[listDepth--];
      if (index < 0) result = list;
      else slotArrays[depth][index] = list;
    }
  }
  return result;
}
