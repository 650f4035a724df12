/**
 * What the SDK would refuse to send, found before anything is sent, so that it is a bad
 * command line (exit 2) and not a failure of the engine's: an object the XML writer cannot
 * write (characters XML cannot carry, a member the model does not have), an action's body
 * member that is none of its parameters.
 *
 * @module
 */

import { OvirtError, toXml } from "../mod.ts";
import { planRequest } from "../transport/runtime.ts";
import { UsageError } from "./errors.ts";
import { type MethodMeta, STRUCTS } from "./model.ts";

/** Refuses `object`, of struct `type`, if the SDK could not write it; `what` leads the message. */
export function checkSendable(what: string, type: string, object: object): void {
  const tag = STRUCTS[type]?.tag;
  if (tag === undefined) return;
  try {
    toXml(tag, object);
  } catch (error) {
    if (error instanceof OvirtError) throw new UsageError(`${what}: ${error.message}`);
    throw error;
  }
}

/**
 * Refuses the call of `method` with `options` (its parameters) and `main` if the SDK could
 * not send it: a parameter's value of the wrong kind or with characters XML (or a query
 * string) cannot carry.
 */
export function checkCall(what: string, method: MethodMeta, options: object, main?: object): void {
  try {
    planRequest("", method, { ...options, signal: undefined }, main);
  } catch (error) {
    if (error instanceof OvirtError) throw new UsageError(`${what}: ${error.message}`);
    throw error;
  }
}

/** Refuses an action's `body` with a member that is none of `method`'s parameters. */
export function checkActionBody(
  what: string,
  method: Pick<MethodMeta, "name" | "params">,
  body: object,
): void {
  const names = method.params.map((param) => param.name);
  for (const key of Object.keys(body)) {
    if (!names.includes(key)) {
      // Named as files and the engine spell them (`root_password`).
      const wire = method.params.map((param) => snakeCase(param.name));
      throw new UsageError(
        `${what}: "${snakeCase(key)}" is not a parameter of the ${method.name} action ` +
          `(it has ${wire.join(", ") || "none"})`,
      );
    }
  }
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
