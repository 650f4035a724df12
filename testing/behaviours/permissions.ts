/**
 * Permissions: each is stored below the object it is given on (`vms/{id}/permissions`,
 * or `permissions` for the whole system) and refers to that object; the permissions of a
 * user or group (`users/{id}/permissions`) are a view of every permission given to it,
 * anywhere, and one added there is given on the object its body names. A permission
 * names a role and, on an object, a user or group; the engine answers a permission that
 * is already given with that permission rather than a second one.
 *
 * @module
 */

import { incomplete, notFound } from "../answers.ts";
import type { Behaviour, Call } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import { withReferences } from "../generic.ts";
import { ROOT } from "../model.ts";
import { memberReferringTo, withOwnerReference } from "../owner_references.ts";
import type { Entity } from "../store.ts";
import type { Location } from "../tree.ts";
import { SERVICES } from "../../services/metadata.ts";

/** Services of the users and groups, whose permissions are views. */
const PRINCIPALS: Readonly<Record<string, "user" | "group">> = {
  UsersService: "user",
  GroupsService: "group",
};

/** The collection of system-wide permissions. */
const SYSTEM = "permissions";

let objectCollectionsCache: string[] | undefined;

/** Top-level collections whose objects have permissions below them, users and groups aside. */
function objectCollections(): string[] {
  objectCollectionsCache ??= ROOT.locators.flatMap((locator) => {
    const collection = locator.segment ? SERVICES[locator.service] : undefined;
    const item = collection?.locators.find((candidate) => candidate.parameter);
    const below = item ? SERVICES[item.service].locators : [];
    const owned = below.some((candidate) => candidate.segment === "permissions") &&
      !PRINCIPALS[locator.service];
    return owned ? [locator.segment!] : [];
  });
  return objectCollectionsCache;
}

/** Every collection that stores permissions: the system's, then those of each object. */
function permissionCollections(engine: Engine): string[] {
  return [
    SYSTEM,
    ...objectCollections().flatMap((collection) =>
      engine.store.items(collection).map((object) =>
        `${collection}/${encodeURIComponent(object.id)}/permissions`
      )
    ),
  ];
}

/** The principal (`user` or `group` member) a principal's permissions view is of, with its id. */
function principalOf(location: Location): { member: "user" | "group"; id: string } | undefined {
  const member = PRINCIPALS[location.parent?.parent?.service.name ?? ""];
  const id = location.parent?.id;
  return member && id !== undefined ? { member, id } : undefined;
}

/** Whether the permissions at `location` are a view of a user's or group's permissions. */
export function isPrincipalView(location: Location): boolean {
  return location.service.name === "AssignedPermissionsService" && !!principalOf(location);
}

/** The permissions given to the user or group that `location` (`users/{id}/permissions`) is below. */
export function principalPermissions(engine: Engine, location: Location): Entity[] {
  const { member, id } = principalOf(location)!;
  return permissionCollections(engine).flatMap((collection) =>
    engine.store.items(collection).filter((permission) =>
      (permission[member] as Reference | undefined)?.id === id
    )
  );
}

function idOf(value: unknown): string | undefined {
  return (value as Reference | undefined)?.id;
}

/** Stores `permission` in `collection`, unless the same role is given there to the same principal. */
function give(engine: Engine, collection: string, permission: Record<string, unknown>): Entity {
  const principal = (candidate: Record<string, unknown>) =>
    idOf(candidate.user) ?? idOf(candidate.group);
  const given = engine.store.find(
    collection,
    (existing) =>
      idOf(existing.role) === idOf(permission.role) &&
      principal(existing) === principal(permission),
  );
  return given ?? engine.store.put(collection, { ...permission, id: engine.newId() });
}

/** Adds a permission below a user or group: on the object the body names. */
function addForPrincipal(call: Call, body: Record<string, unknown>): Entity {
  const { engine, location } = call;
  const { member, id } = principalOf(location)!;
  for (const collection of objectCollections()) {
    const objectMember = memberReferringTo("Permission", collection);
    if (objectMember === undefined || idOf(body[objectMember]) === undefined) continue;
    const permission = withReferences(engine, "Permission", {
      ...body,
      [member]: { id },
    });
    const objectId = idOf(permission[objectMember])!;
    return give(engine, `${collection}/${encodeURIComponent(objectId)}/permissions`, permission);
  }
  throw incomplete(
    "Permission",
    ["dataCenter|cluster|host|storageDomain|vm|vmPool|template.id"],
    "add",
  );
}

const permissions: Behaviour = {
  add(call, body) {
    if (isPrincipalView(call.location)) return addForPrincipal(call, body);
    if (idOf(body.user) === undefined && idOf(body.group) === undefined) {
      throw incomplete("Permission", ["user|group.id"], "add");
    }
    const { engine, location } = call;
    const permission = withReferences(engine, "Permission", body);
    return give(
      engine,
      location.path,
      withOwnerReference(engine, location, "Permission", permission),
    );
  },
};

const permission: Behaviour = {
  remove({ engine, location }, entity) {
    if (!isPrincipalView(location.parent!)) return;
    const collection = permissionCollections(engine).find((candidate) =>
      engine.store.get(candidate, entity.id)
    );
    if (!collection) throw notFound(`Permission: id=${entity.id}`);
    engine.store.delete(collection, entity.id);
    return true;
  },
};

/** Behaviours of the permission services, by service name. */
export const PERMISSION_BEHAVIOURS: Record<string, Behaviour> = {
  AssignedPermissionsService: permissions,
  SystemPermissionsService: permissions,
  PermissionService: permission,
};
