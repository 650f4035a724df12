/**
 * The CLI's command table, derived at start from the service tree table the generated
 * services already carry (`services/metadata.ts`): one resource per collection below the
 * API root, with its verbs (list, add, show, update, remove, every action) and the
 * collections nested in each entity, each with the verbs of its own and of its items.
 *
 * @module
 */

import {
  type MethodMeta,
  type ParamSpec,
  ROOT_SERVICE,
  type ServiceMeta,
  SERVICES,
} from "./model.ts";
import { kebab, locatorWord } from "./names.ts";

/** Where a verb's request goes: the collection (`/vms`) or one entity (`/vms/123`). */
export type Target = "collection" | "entity";

/** One verb of a resource, with every parameter its model method (and signatures) takes. */
export interface Verb {
  /** The command word: `list`, `show`, `start`, `cancel-migration`. */
  readonly word: string;
  /** The service method to call, e.g. `get`, `cancelMigration`. */
  readonly method: string;
  /** The model method: kind, main parameter and output. */
  readonly spec: MethodMeta;
  /** Its parameters, the union over its signatures. */
  readonly params: readonly ParamSpec[];
  /** Whether it addresses the collection or one entity. */
  readonly target: Target;
}

/**
 * A collection below an entity, e.g. the `snapshots` of a VM: a resource of its own, whose
 * `segment` is below the entity and whose verbs are its collection's (`list`, `add`) and
 * its items' (`show`, `remove`, `restore`); no collections nested further.
 */
export interface Nested extends Resource {
  /** The command word, e.g. `nics`, `disk-attachments` (its plural). */
  readonly word: string;
  /** The nested collection's service. */
  readonly service: ServiceMeta;
}

/** One collection of the API root and everything the CLI can do with it. */
export interface Resource {
  /** Plural command word, e.g. `vms`, `storage-domains`. */
  readonly plural: string;
  /** Singular command word, e.g. `vm`, `storage-domain`. */
  readonly singular: string;
  /** URL segment below the API root, e.g. `storagedomains`. */
  readonly segment: string;
  /** Struct of the items (`Vm`), when the model says. */
  readonly type?: string;
  /** Verbs by word. */
  readonly verbs: ReadonlyMap<string, Verb>;
  /** Nested collections by word. */
  readonly nested: ReadonlyMap<string, Nested>;
}

const STANDARD_WORDS: Readonly<Record<string, string>> = {
  get: "show",
  list: "list",
  add: "add",
  update: "update",
  remove: "remove",
};

/** `vms` → `vm`, `scheduling-policies` → `scheduling-policy`, `katello-errata` → `katello-erratum`. */
export function singularOf(plural: string): string {
  if (plural.endsWith("ies")) return `${plural.slice(0, -3)}y`;
  if (plural.endsWith("errata")) return `${plural.slice(0, -1)}um`;
  return plural.endsWith("s") ? plural.slice(0, -1) : plural;
}

/** The methods of a service with each signature folded into its parent method. */
function verbsOf(service: ServiceMeta, target: Target, into: Map<string, Verb>): void {
  const params = new Map<string, Map<string, ParamSpec>>();
  for (const method of service.methods) {
    const parent = method.signatureOf ?? method.name;
    const known = params.get(parent) ?? new Map<string, ParamSpec>();
    params.set(parent, known);
    for (const param of method.params) if (!known.has(param.name)) known.set(param.name, param);
  }
  for (const method of service.methods) {
    if (method.signatureOf) continue;
    if (target === "collection" && (method.kind === "get" || method.kind === "update")) continue;
    if (target === "entity" && (method.kind === "list" || method.kind === "add")) continue;
    const word = STANDARD_WORDS[method.kind === "action" ? "" : method.kind] ?? kebab(method.name);
    if (into.has(word)) continue;
    into.set(word, {
      word,
      method: method.name,
      spec: method,
      params: [...params.get(method.name)!.values()],
      target,
    });
  }
}

function typeOf(service: ServiceMeta, entity?: ServiceMeta): string | undefined {
  const method = (name: string, of?: ServiceMeta) => of?.methods.find((m) => m.name === name);
  return method("list", service)?.output?.type ?? method("add", service)?.main?.type ??
    method("get", entity)?.output?.type;
}

/** The service of the entities of `collection` (`vms/{id}` of `vms`), if it has one. */
function entityOf(collection: ServiceMeta): ServiceMeta | undefined {
  const locator = collection.locators.find((candidate) => candidate.parameter);
  return locator ? SERVICES[locator.service] : undefined;
}

/** The verbs of `collection` and of its entities. */
function verbsOfBoth(collection: ServiceMeta, entity: ServiceMeta | undefined): Map<string, Verb> {
  const verbs = new Map<string, Verb>();
  verbsOf(collection, "collection", verbs);
  if (entity) verbsOf(entity, "entity", verbs);
  return verbs;
}

function nestedOf(entity: ServiceMeta | undefined): Map<string, Nested> {
  const nested = new Map<string, Nested>();
  for (const locator of entity?.locators ?? []) {
    const service = SERVICES[locator.service];
    if (!locator.segment || !service.methods.some((method) => method.kind === "list")) continue;
    const item = entityOf(service);
    const type = typeOf(service, item);
    const word = locatorWord(locator.name);
    nested.set(word, {
      word,
      plural: word,
      singular: singularOf(word),
      segment: locator.segment,
      service,
      ...(type ? { type } : {}),
      verbs: verbsOfBoth(service, item),
      nested: new Map(),
    });
  }
  return nested;
}

function buildResources(): Resource[] {
  const resources: Resource[] = [];
  for (const locator of SERVICES[ROOT_SERVICE].locators) {
    if (!locator.segment) continue;
    const collection = SERVICES[locator.service];
    const entity = entityOf(collection);
    const verbs = verbsOfBoth(collection, entity);
    const plural = locatorWord(locator.name);
    const type = typeOf(collection, entity);
    resources.push({
      plural,
      singular: singularOf(plural),
      segment: locator.segment,
      ...(type ? { type } : {}),
      verbs,
      nested: nestedOf(entity),
    });
  }
  return resources;
}

/** Every resource, in the model's order. */
export const RESOURCES: readonly Resource[] = buildResources();

const BY_WORD = new Map<string, Resource>();
for (const resource of RESOURCES) {
  BY_WORD.set(resource.plural, resource);
  BY_WORD.set(resource.singular, resource);
}

/** The resource a command word (singular or plural) names. */
export function findResource(word: string): Resource | undefined {
  return BY_WORD.get(word);
}
