/**
 * Finding a template by name in the examples that take `--template`: every version of a
 * template has the base template's name, so the name alone is not enough; the version is
 * chosen by its number (1, the base template, unless another is asked for).
 *
 * @module
 */

import { searchQuery, type TemplatesService, type types, where } from "../../mod.ts";

/**
 * The template named exactly `name` whose version number is `version` (default 1, the
 * base template; a template the engine gives no version is taken as version 1), or
 * `undefined` when there is none. Rejects, naming the ids, if several match.
 */
export async function findTemplateVersion(
  templatesService: TemplatesService,
  name: string,
  version = 1,
  options: { signal?: AbortSignal } = {},
): Promise<types.Template | undefined> {
  const found = await templatesService.list({
    search: searchQuery(where.eq("name", name)).text,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const chosen = found.filter((template) =>
    template.name === name && (template.version?.versionNumber ?? 1) === version
  );
  if (chosen.length > 1) {
    throw new Error(
      `${chosen.length} templates are named ${name} with version ${version} (ids ${
        chosen.map((template) => template.id).join(", ")
      })`,
    );
  }
  return chosen[0];
}
