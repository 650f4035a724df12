/**
 * `ovirt api METHOD PATH`: any request of the model by its HTTP method and path, through
 * the same typed services (`GET /vms/123` is `get()`, `POST /vms/123/start` the `start`
 * action), printed as XML unless `-o` says otherwise.
 *
 * @module
 */

import type { MethodMeta } from "./model.ts";
import type { Context } from "./context.ts";
import { UsageError } from "./errors.ts";
import type { OptionSpec, ParsedFlags } from "./options.ts";
import { readObjectFile } from "./object_input.ts";
import { checkColumns } from "./output/cells.ts";
import { render } from "./output/render.ts";
import { actionOptions, checkCall, checkSendable } from "./sendable.ts";
import { serviceAt } from "./service_walk.ts";

const KINDS: Readonly<Record<string, readonly string[]>> = {
  GET: ["get", "list"],
  POST: ["add"],
  PUT: ["update"],
  DELETE: ["remove"],
};

/** What the CLI calls on a service: its methods by name. */
type Methods = Record<string, (...args: unknown[]) => Promise<unknown>>;

/** Help of `ovirt api`. */
export const API_HELP = `Usage: ovirt api METHOD PATH [--from FILE] [--query NAME=VALUE ...]

Sends one request of the API model: GET (get or list), POST (add, or an action when the
path ends in one), PUT (update), DELETE (remove). PATH is relative to the API root, and may
end in a query (/vms?max=2); --query adds to it.
The body of POST and PUT comes from --from (JSON or XML; - for stdin). Prints XML unless -o.

Examples:
  ovirt api GET /vms/123
  ovirt api GET /vms --query search=status=up -o json
  ovirt api GET "/vms?max=2"
  ovirt api POST /vms/123/start
  ovirt api PUT /vms/123 --from vm.json
`;

/** The flags of `ovirt api`. */
export const API_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  from: { type: "string" },
  query: { type: "string", multiple: true },
};

/** Runs `ovirt api`. */
export async function runApi(context: Context, args: ParsedFlags): Promise<void> {
  const values = args.values as { from?: string; query?: string[] };
  const { positionals } = args;
  if (positionals.length !== 2) throw new UsageError("ovirt api: give a METHOD and a PATH");
  const httpMethod = positionals[0].toUpperCase();
  // The query may come with the path (`/vms?search=name%3Dweb*`), and with --query.
  const [pathPart, search = ""] = splitOnce(positionals[1], "?");
  const path = pathPart.replace(/^\/+/, "").replace(/^ovirt-engine\/api\/?/, "");
  const kinds = Object.hasOwn(KINDS, httpMethod) ? KINDS[httpMethod] : undefined;
  if (!kinds) throw new UsageError(`ovirt api: unknown method ${positionals[0]}`);
  const pairs: [string, string][] = [...new URLSearchParams(search)];
  for (const pair of values.query ?? []) {
    const [name, value] = splitOnce(pair, "=");
    if (!name || value === undefined) throw new UsageError(`--query ${pair}: give NAME=VALUE`);
    pairs.push([name, value]);
  }
  const query: Record<string, string> = Object.fromEntries(pairs);

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

  if (method.main && values.from === undefined) {
    throw new UsageError(`ovirt api: ${httpMethod} /${path} needs --from`);
  }
  const type = method.output?.kind === "struct" ? method.output.type : undefined;
  checkColumns(context.output, type);
  // An action's body is an <action> (or its JSON): its members are the parameters.
  const bodyType = method.main?.type ?? (method.kind === "action" ? "Action" : undefined);
  const read = values.from === undefined || !bodyType
    ? undefined
    : await readObjectFile(values.from, bodyType, context.signal);
  if (read && method.main) checkSendable(`--from ${values.from}`, bodyType!, read);
  const body = read && !method.main ? actionOptions(`--from ${values.from}`, method, read) : read;
  if (body && !method.main) checkCall(`--from ${values.from}`, method, body);
  const { connection } = await context.session();
  const service = connection.service(servicePath) as unknown as Methods;
  const options: Record<string, unknown> = {
    ...(Object.keys(query).length ? { query } : {}),
    signal: context.signal,
  };
  const result = method.main
    ? await service[method.name](body, options)
    : await service[method.name]({ ...body, ...options });
  const output = context.globals.output === undefined
    ? { ...context.output, format: "xml" as const }
    : context.output;
  context.out(render(result, type, type ? output : context.output));
}

/** `text` cut at the first `separator`: what comes before, and after it if it is there. */
function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + separator.length)];
}

function findMethod(methods: readonly MethodMeta[], kinds: readonly string[]) {
  return methods.find((method) => kinds.includes(method.kind) && !method.signatureOf);
}
