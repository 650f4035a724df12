/**
 * The importer's check of the names the CLI turns into flags: a method parameter, or a member
 * of an `add`'s or `update`'s main object, whose flag the CLI keeps for itself would have no
 * flag (`cli/verb_flags.ts` skips it), so such a model is refused.
 *
 * @module
 */

import { kebab } from "../cli/names.ts";
import { WAIT_OPTIONS } from "../cli/options.ts";
import { type JavaInterface, ModelParseError } from "./java_parser.ts";
import type { Located } from "./model_checks.ts";
import type { ModelParameter, ModelService, ModelStruct } from "./model_schema.ts";
import { camel, words } from "./names.ts";

/** Flags the CLI gives every verb. */
const EVERY_VERB = new Set(["help", ...Object.keys(WAIT_OPTIONS)]);

/** The CLI flags a parameter or member of a method of `kind` cannot have. */
function ownFlags(kind: string): ReadonlySet<string> {
  // `add`, `update` and actions read their parameters from a file with `--from`.
  return kind === "add" || kind === "update" || kind === "action"
    ? new Set([...EVERY_VERB, "from"])
    : EVERY_VERB;
}

/** Refuses a parameter or main-object member named like a flag of the CLI's own. */
export function checkCliFlags(
  services: readonly ModelService[],
  structs: readonly ModelStruct[],
  structFiles: readonly Located<JavaInterface>[],
  lines: WeakMap<ModelParameter, { path: string; line: number }>,
): void {
  const byName = new Map(structs.map((struct) => [struct.name, struct]));
  for (const service of services) {
    for (const method of service.methods) {
      const flags = ownFlags(method.kind);
      for (const parameter of method.parameters) {
        if (parameter.name === method.main || !flags.has(kebab(parameter.tsName))) continue;
        const where = lines.get(parameter) ?? { path: service.source, line: 1 };
        throw new ModelParseError(
          where.path,
          where.line,
          1,
          `parameter ${parameter.name} of ${method.name} would take the CLI's own flag ` +
            `--${kebab(parameter.tsName)}`,
        );
      }
      const main = method.parameters.find((parameter) => parameter.name === method.main);
      for (
        let struct = byName.get(main?.type ?? "");
        struct;
        struct = byName.get(struct.base ?? "")
      ) {
        for (const member of struct.members) {
          if (!flags.has(kebab(member.tsName))) continue;
          const file = structFiles.find((item) => item.node.name === struct!.name);
          const line = file?.node.members.find((item) => camel(words(item.name)) === member.name)
            ?.line ?? 1;
          throw new ModelParseError(
            file?.path ?? struct.source,
            line,
            1,
            `member ${member.name} of ${struct.name}, the object of ${service.name}.${method.name}, ` +
              `would take the CLI's own flag --${kebab(member.tsName)}`,
          );
        }
      }
    }
  }
}
