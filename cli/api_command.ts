/**
 * `ovirt api METHOD PATH`: any request of the model by its HTTP method and path, through
 * the same typed services (`GET /vms/123` is `get()`, `POST /vms/123/start` the `start`
 * action), printed as XML unless `-o` says otherwise.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { fromXml } from "../transport/xml/mod.ts";
import type { MethodMeta } from "../transport/service.ts";
import type { Context } from "./context.ts";
import { UsageError } from "./errors.ts";
import { GLOBAL_OPTIONS } from "./options.ts";
import { render } from "./output/render.ts";
import { serviceAt } from "./service_walk.ts";
import { fromJson } from "./values.ts";
import { readInput } from "./input.ts";
import { camel } from "./names.ts";

const KINDS: Readonly<Record<string, readonly string[]>> = {
  GET: ["get", "list"],
  POST: ["add"],
  PUT: ["update"],
  DELETE: ["remove"],
};

type Callable = Record<string, (...args: unknown[]) => Promise<unknown>>;

/** Help of `ovirt api`. */
export const API_HELP = `Usage: ovirt api METHOD PATH [--from FILE] [--query NAME=VALUE ...]

Sends one request of the API model: GET (get or list), POST (add, or an action when the
path ends in one), PUT (update), DELETE (remove). PATH is relative to the API root.
The body of POST and PUT comes from --from (JSON or XML; - for stdin). Prints XML unless -o.

Examples:
  ovirt api GET /vms/123
  ovirt api GET /vms --query search=status=up -o json
  ovirt api POST /vms/123/start
  ovirt api PUT /vms/123 --from vm.json
`;

/** Runs `ovirt api`. */
export async function runApi(context: Context, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...GLOBAL_OPTIONS,
      from: { type: "string" },
      query: { type: "string", multiple: true },
    },
    allowPositionals: true,
    allowNegative: true,
  });
  if (positionals.length !== 2) throw new UsageError("ovirt api: give a METHOD and a PATH");
  const httpMethod = positionals[0].toUpperCase();
  const path = positionals[1].replace(/^\/+/, "").replace(/^ovirt-engine\/api\/?/, "");
  const kinds = KINDS[httpMethod];
  if (!kinds) throw new UsageError(`ovirt api: unknown method ${positionals[0]}`);
  const query: Record<string, string> = {};
  for (const pair of values.query ?? []) {
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new UsageError(`--query ${pair}: give NAME=VALUE`);
    query[pair.slice(0, equals)] = pair.slice(equals + 1);
  }

  let servicePath = path;
  let method = findMethod(serviceAt(path)?.methods ?? [], kinds);
  if (!method && httpMethod === "POST" && path.includes("/")) {
    // The last segment may name an action of the service above it.
    const parent = path.slice(0, path.lastIndexOf("/"));
    const segment = path.slice(path.lastIndexOf("/") + 1);
    method = serviceAt(parent)?.methods.find((candidate) =>
      candidate.kind === "action" && candidate.segment === segment && !candidate.signatureOf
    );
    if (method) servicePath = parent;
  }
  if (!method) throw new UsageError(`ovirt api: ${httpMethod} is not a method of /${path}`);

  const body = values.from === undefined ? undefined : await readBody(values.from);
  const { connection } = await context.session();
  const service = connection.service(servicePath) as unknown as Callable;
  const options: Record<string, unknown> = Object.keys(query).length ? { query } : {};
  let result: unknown;
  if (method.main) {
    if (body === undefined) throw new UsageError(`ovirt api: ${httpMethod} /${path} needs --from`);
    const main = typeof body === "string"
      ? fromXml(body)
      : fromJson(body, method.main.type!, "--from");
    result = await service[method.name](main, options);
  } else if (method.kind === "action" && body !== undefined) {
    const params = typeof body === "string"
      ? fromXml(body) as object
      : Object.fromEntries(Object.entries(body).map(([key, value]) => [camel(key), value]));
    result = await service[method.name]({ ...params, ...options });
  } else {
    result = await service[method.name](options);
  }
  const output = context.globals.output === undefined
    ? { ...context.output, format: "xml" as const }
    : context.output;
  const type = method.output?.kind === "struct" ? method.output.type : undefined;
  context.out(render(result, type, type ? output : context.output));
}

function findMethod(methods: readonly MethodMeta[], kinds: readonly string[]) {
  return methods.find((method) => kinds.includes(method.kind) && !method.signatureOf);
}

async function readBody(path: string): Promise<string | Record<string, unknown>> {
  const text = await readInput(path, "from");
  if (text.trimStart().startsWith("<")) return text;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--from ${path}: not JSON or XML (${(error as Error).message})`);
  }
}
