/**
 * Permissions: each is stored below the object it is given on (`vms/{id}/permissions`,
 * or `permissions` for the whole system) and refers to that object; the permissions of a
 * user or group (`users/{id}/permissions`) are a view of every permission given to it,
 * anywhere, and one added there is given on the object its body names. A permission
 * names a role and, on an object, a user or group; the engine answers a permission that
 * is already given with that permission rather than a second one, and refuses to remove the
 * last `SuperUser` permission of the system.
 *
 * @module
 */

import { conflict, incomplete, notFound } from "../answers.ts";
import type { Behaviour, Call } from "../behaviour.ts";
import type { Engine } from "../engine.ts";
import { withReferences } from "../generic.ts";
import { memberReferringTo, withOwnerReference } from "../owner_references.ts";
import type { Entity } from "../store.ts";
import {
  idOf,
  isPrincipalView,
  objectCollections,
  permissionCollections,
  principalOf,
} from "./permission_views.ts";

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

/** The name of the built-in role that every engine keeps at least one permission of. */
const SUPER_USER = "SuperUser";

/**
 * Refuses to remove `permission` when it is the last one anywhere of role `SuperUser`
 * (`MultiLevelAdministrationHandler.isLastSuperUserPermission`).
 */
function checkNotLastSuperUser(engine: Engine, permission: Entity): void {
  const role = engine.store.find("roles", (candidate) => candidate.name === SUPER_USER);
  if (!role || idOf(permission.role) !== role.id) return;
  const given = permissionCollections(engine).reduce(
    (count, collection) =>
      count + engine.store.items(collection).filter((other) => idOf(other.role) === role.id)
        .length,
    0,
  );
  if (given <= 1) {
    throw conflict(
      "Cannot remove Permission. The system must have at least one Super User Role defined.",
    );
  }
}

const permission: Behaviour = {
  remove({ engine, location }, entity) {
    checkNotLastSuperUser(engine, entity);
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
