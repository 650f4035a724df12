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
 * Whether a method parameter of this name would shadow a key of `CallOptions`, which the
 * method's options type extends: such a parameter needs a name of its own in
 * {@link RENAMED_PARAMETERS}.
 */
export function clashesWithCallOptions(name: string): boolean {
  return CALL_OPTION_KEYS.has(name);
}

/** The name a method parameter gets instead of its model name, and why, for its doc. */
export interface Renamed {
  /** The option name. */
  readonly name: string;
  /** A sentence for the option's doc: what the model's name would clash with. */
  readonly doc: string;
}

/**
 * Method parameters whose model name is a key of `CallOptions`, with the option name they get
 * instead, by `"<service class>.<method>.<wire name>"`. `ClusterService.upgrade`'s
 * `correlation_id` is a free string the engine keeps as the upgrade's own id
 * (`BackendClusterResource.upgrade`: `ClusterUpgradeParameters.upgradeCorrelationId`); the
 * call's `correlationId` is the `Correlation-Id` header, which the engine cuts to 36 of
 * `[A-Za-z0-9_-]` (`CurrentFilter`).
 */
export const RENAMED_PARAMETERS: ReadonlyMap<string, Renamed> = new Map([
  ["ClusterService.upgrade.correlation_id", {
    name: "upgradeCorrelationId",
    doc: "The model names it `correlationId`, as the call option that sets the " +
      "`Correlation-Id` header: this one is any string, which the engine keeps as the " +
      "upgrade's id as it is (without it, the upgrade takes the header's).",
  }],
]);

/** The option name of parameter `wire` of `method` (`"<service class>.<method>"`). */
export function optionName(method: string, parameter: { tsName: string; wire: string }): string {
  return RENAMED_PARAMETERS.get(`${method}.${parameter.wire}`)?.name ?? parameter.tsName;
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
