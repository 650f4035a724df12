/**
 * The names the engine takes for VMs and templates: letters (of any script), digits, `.`,
 * `_` and `-` only (`ValidationUtils.NO_SPECIAL_CHARACTERS_I18N`, checked by `@ValidI18NName`
 * on `VmStatic.getName()`, `VmTemplate.getName()` and `AddVmTemplateParameters.name`), and
 * for a VM at most 64 characters (`MaxVmNameLength`, checked by `AddVmCommand` and
 * `UpdateVmCommand`, in UTF-16 units as Java counts). Refused with 400 and the engine's
 * words.
 *
 * @module
 */

import { badParameters } from "./answers.ts";

/** The characters a VM or template name may hold. */
const ALLOWED = /^[\p{L}0-9._-]*$/u;

/** The longest VM name the engine takes (its default `MaxVmNameLength`). */
const MAX_VM_NAME_LENGTH = 64;

/**
 * Refuses `name`, when it is a string, for `verb` (`add`, `edit`) of a `label` (`VM`,
 * `Template`) if it holds other characters than the engine allows.
 */
export function checkNameCharacters(name: unknown, verb: string, label: string): void {
  if (typeof name !== "string" || ALLOWED.test(name)) return;
  // "Can not" is the engine's own spelling of this message.
  throw badParameters(
    `Can not ${verb} ${label}. The given name contains special characters. Only lower-case and upper-case letters, numbers, '_', '-', '.' are allowed.`,
  );
}

/** Refuses VM name `name` for `verb` (`add`, `edit`) if it is not a name the engine takes. */
export function checkVmName(name: unknown, verb: string): void {
  checkNameCharacters(name, verb, "VM");
  if (typeof name === "string" && name.length > MAX_VM_NAME_LENGTH) {
    throw badParameters(`Cannot ${verb} VM. The given name is too long.`);
  }
}
