/**
 * Rendering stored objects as the engine does: `href` on every object, references
 * (`id`/`href`) for single links, a `<link rel href>` per sub-collection (list links with
 * no sub-collection, such as a disk's `storage_domains`, come inline as references), and,
 * for the paths named in `follow`, linked objects and lists inline. Lists stream item by
 * item.
 *
 * The XML of each object's own members comes from the shared writer; this module adds
 * what only a server writes (links, followed content) around it.
 *
 * @module
 */

import type { ServiceMeta } from "../transport/service.ts";
import type { MemberMeta } from "../transport/xml/metadata.ts";
import { writeStruct } from "../transport/xml/writer.ts";
import { STRUCTS } from "../types/metadata.ts";
import { XML_DECLARATION } from "./answers.ts";
import { itemOf, itemsOf } from "./collections.ts";
import type { Engine } from "./engine.ts";
import { membersOf } from "./model.ts";
import type { Entity } from "./store.ts";
import { join, type Location, resolvePath, step } from "./tree.ts";

/** The `follow` parameter as a tree of member tags (`disk_attachments.disk,nics`). */
export type Follow = ReadonlyMap<string, Follow>;

/** Parses a `follow` parameter: comma-separated dotted paths of member tags. */
export function parseFollow(text: string | null): Follow {
  const root = new Map<string, Map<string, unknown>>();
  for (const path of (text ?? "").split(",")) {
    let level = root;
    for (const tag of path.trim().split(".")) {
      if (tag === "") break;
      let next = level.get(tag) as Map<string, Map<string, unknown>> | undefined;
      if (!next) level.set(tag, next = new Map());
      level = next;
    }
  }
  return root as unknown as Follow;
}

/** Where an object lives: its struct type, its path and the service at that path. */
export interface Placement {
  /** Struct type to render it as. */
  readonly type: string;
  /** API-relative path of the object's own service. */
  readonly path: string;
  /** The service at that path (its sub-collections become `<link>`s). */
  readonly service: ServiceMeta;
}

/** Renders `entity` as one element (named `tag`, by default its type's tag). */
export function renderObject(
  engine: Engine,
  entity: Entity,
  at: Placement,
  follow: Follow,
  tag: string = STRUCTS[at.type].tag,
): string {
  const here: Location = { service: at.service, path: at.path };
  const plain: Record<string, unknown> = {};
  const extra: string[] = [];
  for (const member of membersOf(at.type)) {
    const inner = follow.get(member.tag);
    const hasService = member.link && member.list && member.rel !== undefined &&
      segmentsOf(at.service).has(member.rel);
    if (hasService) {
      const below = inner ? step(here, member.rel!) : undefined;
      if (below) extra.push(renderInlineList(engine, below, member.tag, member.type!, inner!));
      continue;
    }
    const value = entity[member.name];
    if (value === undefined || value === null) continue;
    if (member.link && member.list && inner && Array.isArray(value)) {
      const items = value.map((item) =>
        renderLinked(engine, item, member.type!, STRUCTS[member.type!].tag, inner)
      );
      if (items.every((item) => item !== undefined)) {
        extra.push(
          items.length ? `<${member.tag}>${items.join("")}</${member.tag}>` : `<${member.tag}/>`,
        );
        continue;
      }
    }
    if (member.link && inner) {
      const inlined = renderLinked(engine, value, member.type!, member.tag, inner);
      if (inlined !== undefined) {
        extra.push(inlined);
        continue;
      }
    }
    const shown = shownMember(at.type, member, value);
    if (shown !== undefined) plain[member.name] = shown;
  }
  plain.href = engine.href(at.path);
  for (const segment of segmentsOf(at.service)) {
    extra.push(`<link href="${engine.href(join(at.path, segment))}" rel="${segment}"/>`);
  }
  return wrap(writeStruct(at.type, plain), STRUCTS[at.type].tag, tag, extra.join(""));
}

/**
 * Members the engine takes but never sends back, as `Struct.member` (`*` for every
 * struct): credentials, a managed block storage's sensitive driver options, and an
 * OpenStack volume authentication key's value.
 */
const WRITE_ONLY: ReadonlySet<string> = new Set([
  "*.password",
  "Host.rootPassword",
  "HostStorage.driverSensitiveOptions",
  "OpenstackVolumeAuthenticationKey.value",
]);

/** Members the engine sends back masked when they are set: a cloud-init root password. */
const MASKED: ReadonlyMap<string, string> = new Map([["Initialization.rootPassword", "******"]]);

/**
 * What the engine shows of `member` of an object of struct `type` holding `value`:
 * nothing for a {@link WRITE_ONLY} member, the mask of a {@link MASKED} one, and structs
 * without their secrets (copied only if any).
 */
function shownMember(type: string, member: MemberMeta, value: unknown): unknown {
  const owner = declaringStruct(type, member);
  if (WRITE_ONLY.has(`*.${member.name}`) || WRITE_ONLY.has(`${owner}.${member.name}`)) {
    return undefined;
  }
  const mask = MASKED.get(`${owner}.${member.name}`);
  if (mask !== undefined) return mask;
  if (member.kind !== "struct" || typeof value !== "object" || value === null) return value;
  if (!Array.isArray(value)) return withoutSecrets(member.type!, value as Record<string, unknown>);
  const items = value.map((item) =>
    typeof item === "object" && item !== null ? withoutSecrets(member.type!, item) : item
  );
  return items.every((item, index) => item === value[index]) ? value : items;
}

/** `value`, an object of struct `type`, as {@link shownMember} shows each of its members. */
function withoutSecrets(type: string, value: Record<string, unknown>): Record<string, unknown> {
  const members = membersByName(type);
  let copy: Record<string, unknown> | undefined;
  for (const [name, held] of Object.entries(value)) {
    const member = members.get(name);
    if (member === undefined || held === undefined || held === null) continue;
    const kept = shownMember(type, member, held);
    if (kept !== held) (copy ??= { ...value })[name] = kept;
  }
  return copy ?? value;
}

const membersByNameCache = new Map<string, ReadonlyMap<string, MemberMeta>>();

/** The members of struct `type` by property name. */
function membersByName(type: string): ReadonlyMap<string, MemberMeta> {
  let members = membersByNameCache.get(type);
  if (members === undefined) {
    members = new Map(membersOf(type).map((member) => [member.name, member]));
    membersByNameCache.set(type, members);
  }
  return members;
}

/** The struct of `type`'s chain of bases that declares `member`. */
function declaringStruct(type: string, member: MemberMeta): string {
  for (let at: string | undefined = type; at !== undefined; at = STRUCTS[at].base) {
    if (STRUCTS[at].members.includes(member)) return at;
  }
  return type;
}

/** A list document streamed in chunks, `<?xml ...?><vms>...</vms>`. */
export function renderList(
  engine: Engine,
  collection: Location,
  type: string,
  items: readonly Entity[],
  follow: Follow,
): ReadableStream<Uint8Array> {
  const listTag = STRUCTS[type].listTag;
  const service = itemService(collection);
  const encoder = new TextEncoder();
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      let chunk = next === 0
        ? XML_DECLARATION + (items.length ? `<${listTag}>` : `<${listTag}/>`)
        : "";
      while (next < items.length && chunk.length < 64 * 1024) {
        const item = items[next++];
        chunk += renderObject(
          engine,
          item,
          { type, path: join(collection.path, item.id), service },
          follow,
        );
      }
      if (next === items.length && items.length) chunk += `</${listTag}>`;
      controller.enqueue(encoder.encode(chunk));
      if (next === items.length) controller.close();
    },
  });
}

const segmentCache = new WeakMap<ServiceMeta, Set<string>>();

/** The segments of the parameterless locators of `service`. */
function segmentsOf(service: ServiceMeta): Set<string> {
  let segments = segmentCache.get(service);
  if (!segments) {
    segments = new Set(service.locators.flatMap((locator) => locator.segment ?? []));
    segmentCache.set(service, segments);
  }
  return segments;
}

/** The service of the entities of a collection (its parameterised locator's target). */
export function itemService(collection: Location): ServiceMeta {
  return step(collection, "_")?.service ?? collection.service;
}

function renderInlineList(
  engine: Engine,
  collection: Location,
  tag: string,
  type: string,
  follow: Follow,
): string {
  const service = itemService(collection);
  let body = "";
  for (const item of itemsOf(engine, collection)) {
    body += renderObject(
      engine,
      item,
      { type, path: join(collection.path, item.id), service },
      follow,
    );
  }
  return body === "" ? `<${tag}/>` : `<${tag}>${body}</${tag}>`;
}

/** The object a reference points to, rendered inline as `tag`; undefined if not found. */
function renderLinked(
  engine: Engine,
  reference: unknown,
  type: string,
  tag: string,
  follow: Follow,
): string | undefined {
  const href = (reference as { href?: unknown }).href;
  const path = typeof href === "string" ? engine.pathOf(href) : undefined;
  const location = path === undefined ? undefined : resolvePath(path);
  if (!location?.parent || location.id === undefined) return undefined;
  const target = itemOf(engine, location.parent, location.id);
  if (!target) return undefined;
  return renderObject(
    engine,
    target,
    { type, path: location.path, service: location.service },
    follow,
    tag,
  );
}

/**
 * Renames the root of `xml` (written with tag `written`) to `tag` and puts `extra` first
 * inside it. The writer escapes `>` in attribute values, so the first `>` ends the head.
 */
function wrap(xml: string, written: string, tag: string, extra: string): string {
  const headEnd = xml.indexOf(">");
  const selfClosing = headEnd === xml.length - 1 && xml[headEnd - 1] === "/";
  const attributes = xml.slice(1 + written.length, selfClosing ? headEnd - 1 : headEnd);
  const body = selfClosing ? "" : xml.slice(headEnd + 1, xml.length - written.length - 3);
  const inner = extra + body;
  return inner === "" ? `<${tag}${attributes}/>` : `<${tag}${attributes}>${inner}</${tag}>`;
}
