/**
 * Reading an environment variable without ever quoting its value: Deno refuses a value that
 * is not valid Unicode with an error that quotes it, and the variable may hold a password
 * (`OVIRT_PASSWORD`) or a proxy's credentials (`HTTPS_PROXY`).
 *
 * @module
 */

import { OvirtError } from "./errors.ts";

/**
 * The value of environment variable `name` (undefined when unset); a value that is not valid
 * Unicode is refused with an {@link OvirtError} naming the variable, never its value.
 */
export function envValue(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch (error) {
    if (!(error instanceof Deno.errors.InvalidData)) throw error;
    throw new OvirtError(
      `The environment variable ${name} is not valid UTF-8 (its value is not shown): set it ` +
        "again in UTF-8",
    );
  }
}
