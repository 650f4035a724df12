/**
 * Collections where no two objects share a name, within what (the whole collection, or
 * the objects of one data center), and the engine's words when a name is taken. A
 * collection stored below its owner (`vms/{id}/nics`, `clusters/{id}/affinitygroups`) is
 * its own scope already.
 *
 * @module
 */

import { conflict } from "./answers.ts";
import type { Engine, Reference } from "./engine.ts";
import { typeLabel } from "./validation.ts";

/** How names must be unique in one collection. */
interface NameRule {
  /**
   * The data center an object belongs to, when names are unique per data center; an
   * object of none (the Blank template) shares its name space with every data center.
   */
  readonly scope?: (engine: Engine, object: Record<string, unknown>) => string | undefined;
  /** The fault detail, for a `verb` (`add`, `edit`) of an object of `label` named `name`. */
  readonly detail: (verb: string, label: string, name: string) => string;
  /** What objects that may share a name have in common (the versions of one template). */
  readonly family?: (object: Record<string, unknown>) => string | undefined;
}

function nameInUse(verb: string, label: string): string {
  return `Cannot ${verb} ${label}. The ${label} name is already in use, please choose a unique name and try again.`;
}

const GLOBAL: NameRule = { detail: nameInUse };

const NETWORK: NameRule = {
  scope: (_engine, network) => idOf(network.dataCenter),
  detail: (verb, _label, name) =>
    `Cannot ${verb} Network. The name of the logical network '${name}' is already used by an existing logical network in the same data-center.\n-Please choose a different name.`,
};

/** Unique-name collections by service. */
const RULES: Readonly<Record<string, NameRule>> = {
  VmsService: GLOBAL,
  ClustersService: GLOBAL,
  DataCentersService: GLOBAL,
  HostsService: GLOBAL,
  StorageDomainsService: GLOBAL,
  TagsService: GLOBAL,
  VmPoolsService: GLOBAL,
  MacPoolsService: GLOBAL,
  RolesService: GLOBAL,
  InstanceTypesService: GLOBAL,
  AffinityLabelsService: GLOBAL,
  BookmarksService: GLOBAL,
  QuotasService: GLOBAL,
  VmNicsService: { detail: () => "Network interface name is already in use" },
  AffinityGroupsService: {
    detail: (verb) => `Cannot ${verb} Affinity Group. Affinity Group name already exists.`,
  },
  NetworksService: NETWORK,
  DataCenterNetworksService: NETWORK,
  TemplatesService: {
    scope: (engine, template) => {
      const cluster = engine.store.get("clusters", idOf(template.cluster) ?? "");
      return idOf(cluster?.dataCenter);
    },
    detail: nameInUse,
    // The versions of a template share its name.
    family: (template) =>
      idOf((template.version as { baseTemplate?: Reference } | undefined)?.baseTemplate),
  },
};

/**
 * Throws 409 if an object of `items` other than `candidate` (by id) has the name of
 * `candidate`, an object of struct `type` that a `verb` of collection service `service`
 * would store (references resolved), in the same scope.
 */
export function checkUniqueName(
  engine: Engine,
  service: string,
  type: string,
  candidate: Record<string, unknown>,
  items: Iterable<Record<string, unknown>>,
  verb = "add",
): void {
  const rule = RULES[service];
  const name = candidate.name;
  if (!rule || typeof name !== "string") return;
  const scope = rule.scope?.(engine, candidate);
  const family = rule.family?.(candidate);
  for (const item of items) {
    if (item.name !== name || item.id === candidate.id) continue;
    if (family !== undefined && rule.family!(item) === family) continue;
    const other = rule.scope?.(engine, item);
    if (scope === undefined || other === undefined || scope === other) {
      throw conflict(rule.detail(verb, typeLabel(type), name));
    }
  }
}

function idOf(reference: unknown): string | undefined {
  return (reference as Reference | undefined)?.id;
}
