/**
 * Objects the engine does not let go: the built-in roles (read only: neither updated nor
 * removed) and the user signed in to the API (not removed); a user's options are its
 * `options` (`user_options.ts`).
 *
 * @module
 */

import { conflict } from "../answers.ts";
import type { Behaviour } from "../behaviour.ts";
import { updateObject } from "../generic.ts";
import { signedInUser } from "../signed_in_user.ts";
import type { Entity } from "../store.ts";
import { USER_OPTIONS_BEHAVIOUR } from "./user_options.ts";

function checkRoleMutable(entity: Entity, verb: string): void {
  if (entity.mutable === false) throw conflict(`Cannot ${verb} Role. The Role is Read-Only.`);
}

const role: Behaviour = {
  update(call, entity, changes) {
    checkRoleMutable(entity, "update");
    return updateObject(call.engine, call.location.parent!, entity, changes);
  },
  remove(_call, entity) {
    checkRoleMutable(entity, "remove");
  },
};

const user: Behaviour = {
  ...USER_OPTIONS_BEHAVIOUR,
  remove({ engine }, entity) {
    if (entity.id === signedInUser(engine)?.id) {
      throw conflict("Cannot remove User. User is currently logged in.");
    }
  },
};

/** Behaviours of roles and users, by service name. */
export const PROTECTED_OBJECT_BEHAVIOURS: Record<string, Behaviour> = {
  RoleService: role,
  UserService: user,
};
