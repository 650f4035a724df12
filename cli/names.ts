/**
 * Spelling rules between the model's camelCase names and the command line's words.
 *
 * @module
 */

/** `cancelMigration` → `cancel-migration`, `vnicProfiles` → `vnic-profiles`. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** `cancel-migration` or `cancel_migration` → `cancelMigration`. */
export function camel(word: string): string {
  return word.replace(/[-_]([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/** A locator's command word: `nicsService` → `nics`, `diskAttachmentsService` → `disk-attachments`. */
export function locatorWord(locatorName: string): string {
  return kebab(locatorName.replace(/Service$/, ""));
}

/** A type's command word: `VnicProfile` → `vnic-profile`. */
export function typeWord(typeName: string): string {
  return kebab(typeName[0].toLowerCase() + typeName.slice(1));
}
