/**
 * Names the generated TypeScript cannot use as the model gives them: the importer refuses
 * the ones that cannot be generated at all, and the generator escapes argument names.
 *
 * @module
 */

/** Members of the runtime's `Service` class (and of every object) that a method or locator would shadow. */
export const SERVICE_MEMBERS: ReadonlySet<string> = new Set([
  "path",
  "locate",
  "runtime",
  "childPath",
  "invoke",
  "noService",
  ...Object.getOwnPropertyNames(Object.prototype),
]);

/** Names every object inherits: a struct member of such a name would clash with them. */
export const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(
  Object.getOwnPropertyNames(Object.prototype),
);

/** Keys of the runtime's `CallOptions`, which a method's options type extends. */
const CALL_OPTION_KEYS: ReadonlySet<string> = new Set([
  "headers",
  "query",
  "signal",
  "retry",
  "correlationId",
]);

/**
 * Whether a method parameter of this name and kind cannot be one of its options: it would
 * shadow a key of `CallOptions`. A String `correlationId` (`ClusterService.upgrade`) may:
 * the call then sends it both as its `Correlation-Id` header and as the parameter.
 */
export function clashesWithCallOptions(name: string, kind: string, list: boolean): boolean {
  if (name === "correlationId") return kind !== "string" || list;
  return CALL_OPTION_KEYS.has(name);
}

/**
 * Words that cannot name a function argument in a strict-mode module, plus `options`, the
 * name of every method's last argument.
 */
const ARGUMENT_RESERVED: ReadonlySet<string> = new Set([
  ..."break case catch class const continue debugger default delete do else enum export extends"
    .split(" "),
  ..."false finally for function if import in instanceof new null return super switch this"
    .split(" "),
  ..."throw true try typeof var void while with yield let static implements interface package"
    .split(" "),
  ..."private protected public await arguments eval options".split(" "),
]);

/** A name usable as a function argument: a reserved one gets `Value` (`import` → `importValue`). */
export function argumentName(name: string): string {
  return ARGUMENT_RESERVED.has(name) ? `${name}Value` : name;
}
