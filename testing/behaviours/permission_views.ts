/**
 * Where permissions are: below each object they are given on, or `permissions` for the
 * system; the permissions of a user or group (`users/{id}/permissions`) are a view of those
 * given to it anywhere. What the collections, which list them, and the behaviours, which
 * change them, both need.
 *
 * @module
 */

import type { Engine, Reference } from "../engine.ts";
import { ROOT } from "../model.ts";
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
export function objectCollections(): string[] {
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
export function permissionCollections(engine: Engine): string[] {
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
export function principalOf(
  location: Location,
): { member: "user" | "group"; id: string } | undefined {
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

/** The id of a reference. */
export function idOf(value: unknown): string | undefined {
  return (value as Reference | undefined)?.id;
}
