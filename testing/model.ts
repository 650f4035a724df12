/**
 * Questions the simulator asks of the generated model tables: a struct's members
 * (inherited ones included), a service's methods, the type a collection holds, and
 * which top-level collection is the home of a type.
 *
 * @module
 */

import { ROOT_SERVICE, SERVICES } from "../services/metadata.ts";
import type { MethodMeta, ServiceMeta } from "../transport/service.ts";
import type { MemberMeta } from "../transport/xml/metadata.ts";
import { STRUCTS } from "../types/metadata.ts";

/** Path of the API root on the server. */
export const API_PREFIX = "/ovirt-engine/api";

/** The all-zero id of the Blank template, the root tag and every VM's CD-ROM. */
export const ZERO_ID = "00000000-0000-0000-0000-000000000000";

/** The root service of the tree. */
export const ROOT: ServiceMeta = SERVICES[ROOT_SERVICE];

const membersCache = new Map<string, readonly MemberMeta[]>();

/** Every member of struct `type`, base struct's first. */
export function membersOf(type: string): readonly MemberMeta[] {
  let members = membersCache.get(type);
  if (members === undefined) {
    const meta = STRUCTS[type];
    members = [...(meta.base ? membersOf(meta.base) : []), ...meta.members];
    membersCache.set(type, members);
  }
  return members;
}

/** The member of struct `type` with XML name `tag`. */
export function memberByTag(type: string, tag: string): MemberMeta | undefined {
  return membersOf(type).find((member) => member.tag === tag);
}

/** The first method of `kind` (not a signature) of `service`. */
export function methodOf(service: ServiceMeta, kind: MethodMeta["kind"]): MethodMeta | undefined {
  return service.methods.find((method) => method.kind === kind && !method.signatureOf);
}

/** The action of `service` whose URL segment is `segment`. */
export function actionOf(service: ServiceMeta, segment: string): MethodMeta | undefined {
  return service.methods.find((method) =>
    method.kind === "action" && !method.signatureOf && method.segment === segment
  );
}

/** The struct type a collection service holds: its `list` output, else its `add` body. */
export function collectionType(service: ServiceMeta): string | undefined {
  return methodOf(service, "list")?.output?.type ?? methodOf(service, "add")?.main?.type;
}

/**
 * The struct type of an entity service below `collection`: the collection's item type,
 * else the entity's own `get` output.
 */
export function entityType(collection: ServiceMeta, entity: ServiceMeta): string | undefined {
  return collectionType(collection) ?? methodOf(entity, "get")?.output?.type;
}

const homes = new Map<string, string>();
for (const locator of ROOT.locators) {
  const type = locator.segment ? collectionType(SERVICES[locator.service]) : undefined;
  if (type !== undefined && !homes.has(type)) homes.set(type, locator.segment!);
}

/** The top-level collection (`"vms"`) that is the home of objects of struct `type`. */
export function homeOf(type: string): string | undefined {
  return homes.get(type);
}
