/**
 * The parameters of {@link ENGINE_PARAMETERS} as the model's own: folded into their methods,
 * typed (an action's from the `Action` member of its tag), and checked against the model.
 *
 * @module
 */

import type { Model, ModelMethod, ModelParameter, ModelStruct } from "./model_schema.ts";
import { ENGINE_PARAMETERS, type EngineParameter } from "./engine_facts.ts";
import { GenerateError } from "./generate_error.ts";

/** The entry of {@link ENGINE_PARAMETERS} of a method's parameter, if it is one. */
export function engineParameter(method: string, wire: string): EngineParameter | undefined {
  return ENGINE_PARAMETERS.find((entry) => entry.method === method && entry.wire === wire);
}

/** The model parameter an entry stands for, in a method of kind `kind`. */
function parameterOf(
  entry: EngineParameter,
  kind: ModelMethod["kind"],
  action: ModelStruct | undefined,
): ModelParameter {
  const base = { name: entry.name, tsName: entry.name, wire: entry.wire, in: true, out: false };
  if (kind !== "action") {
    if (entry.kind === undefined) {
      throw new GenerateError(`${entry.method}.${entry.wire}: a query parameter needs its kind`);
    }
    const type = entry.kind === "string" ? "String" : "Boolean";
    return { ...base, kind: entry.kind, type, list: false, deprecated: false };
  }
  const member = action?.members.find((candidate) => candidate.tag === entry.wire);
  if (member === undefined || entry.kind !== undefined) {
    throw new GenerateError(
      `${entry.method}.${entry.wire}: an action's parameter is an Action member, typed as it is`,
    );
  }
  const { kind: memberKind, type, list, deprecated } = member;
  return { ...base, kind: memberKind, type, list, deprecated };
}

/**
 * `methods` of the service `service` with the parameters {@link ENGINE_PARAMETERS} gives them
 * (or the methods they are signatures of) added after the model's. Refuses an entry whose parameter the model declares (the entry is
 * then obsolete) and, through {@link checkEngineParameters}, one whose method it lacks.
 */
export function withEngineParameters(
  model: Model,
  service: string,
  methods: readonly ModelMethod[],
): ModelMethod[] {
  const action = model.structs.find((struct) => struct.name === "Action");
  return methods.map((method) => {
    // A signature of a method takes the method's parameters.
    const name = `${service}.${method.signatureOf ?? method.tsName}`;
    const entries = ENGINE_PARAMETERS.filter((entry) => entry.method === name);
    if (entries.length === 0) return method;
    for (const entry of entries) {
      if (method.parameters.some((parameter) => parameter.wire === entry.wire)) {
        throw new GenerateError(`${entry.method}.${entry.wire}: the model declares it now`);
      }
    }
    const added = entries.map((entry) => parameterOf(entry, method.kind, action));
    return { ...method, parameters: [...method.parameters, ...added] };
  });
}

/**
 * Refuses an entry of {@link ENGINE_PARAMETERS} whose service the model has but not the method
 * (`methods`: the folded methods of each service, by name). A model without the service at
 * all (a small one, for tests) has nothing to check.
 */
export function checkEngineParameters(
  methods: ReadonlyMap<string, readonly ModelMethod[]>,
): void {
  for (const entry of ENGINE_PARAMETERS) {
    const [service, method] = entry.method.split(".");
    const found = methods.get(service);
    if (found && !found.some((candidate) => candidate.tsName === method)) {
      throw new GenerateError(`${entry.method}: no such method in the model`);
    }
  }
}
