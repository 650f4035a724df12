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

/**
 * The options of action `method` that `body` (an `<action>` read from a file, its members named
 * as the `Action` type names them) gives: each member under the name of the parameter sent as
 * it (`correlationId` is `upgradeCorrelationId` where the call's own option has that name).
 * Refuses a member that is none of the action's parameters.
 */
export function actionOptions(
  what: string,
  method: Pick<MethodMeta, "name" | "params">,
  body: object,
): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    // Files and the engine spell members as the body does (`root_password`).
    const param = method.params.find((param) => param.wire === snakeCase(key));
    if (param === undefined) {
      throw new UsageError(
        `${what}: "${snakeCase(key)}" is not a parameter of the ${method.name} action ` +
          `(it has ${method.params.map((param) => param.wire).join(", ") || "none"})`,
      );
    }
    options[param.name] = value;
  }
  return options;
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
