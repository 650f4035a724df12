/**
 * A user's options as the engine keeps them: the objects of `users/{id}/options` (its user
 * profile properties, `name` and `content`), which a user shows as `user_options` (one
 * property per option, its content as value; none when it has no option). A user's update
 * sets them from the `user_options` it sends (`BackendUserResource.update`): each one sent is
 * added or changed (the last of one name wins); one the body leaves out stays with query
 * `merge=true` and is removed without it, so an update that sends none removes every option.
 *
 * @module
 */

import { ServerErrorPage } from "../answers.ts";
import { type Behaviour, booleanParameter, type Call } from "../behaviour.ts";
import { updateObject } from "../generic.ts";
import type { Entity } from "../store.ts";

/** The store path of the options of the user `call` addresses. */
function optionsPath(call: Call): string {
  return `${call.location.path}/options`;
}

/** `user` with the `user_options` its options give (none when it has none). */
function withOptions(call: Call, user: Entity): Entity {
  const { userOptions: _stored, ...rest } = user;
  const options = call.engine.store.items(optionsPath(call));
  if (options.length === 0) return rest as Entity;
  return { ...rest, userOptions: options.map(({ name, content }) => ({ name, value: content })) };
}

/**
 * The values `sent` (a user's `user_options`) gives by name, the last of a name winning; a
 * property without a value fails the engine's collecting of them (a 500 error page).
 */
function sentValues(sent: unknown): Map<unknown, unknown> {
  const values = new Map<unknown, unknown>();
  for (const property of (sent ?? []) as Record<string, unknown>[]) {
    if (property.value === undefined) {
      throw new ServerErrorPage(`user option ${String(property.name)} sent without a value`);
    }
    values.set(property.name, property.value);
  }
  return values;
}

/** Sets the options of the user `call` addresses from `sent`, its `user_options`. */
function setOptions(call: Call, user: Entity, sent: unknown): void {
  const merge = booleanParameter(call, "merge", false);
  const values = sentValues(sent);
  const path = optionsPath(call);
  const { store } = call.engine;
  for (const option of store.items(path)) {
    if (values.has(option.name)) {
      store.put(path, { ...option, content: values.get(option.name) });
      values.delete(option.name);
    } else if (!merge) {
      store.delete(path, option.id);
    }
  }
  for (const [name, content] of values) {
    const owner = call.engine.referenceTo("users", user.id);
    store.put(path, { id: call.engine.newId(), name, content, user: owner });
  }
}

/** What a user shows and how its update treats its options. */
export const USER_OPTIONS_BEHAVIOUR: Pick<Behaviour, "get" | "update"> = {
  get: withOptions,
  update(call, entity, changes) {
    const { userOptions, ...rest } = changes;
    setOptions(call, entity, userOptions);
    const updated = updateObject(call.engine, call.location.parent!, entity, rest);
    return withOptions(call, updated);
  },
};
