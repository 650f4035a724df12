/**
 * `--help` at every level: the whole tool, one resource, one verb with its flags (from the
 * model: kinds, enum values), and the special commands.
 *
 * @module
 */

import { ENUMS } from "./model.ts";
import { type Nested, type Resource, RESOURCES, type Verb } from "./command_table.ts";
import { EXIT } from "./errors.ts";
import { GLOBAL_HELP, GLOBAL_OPTIONS, WAIT_HELP } from "./options.ts";
import { flagsOfNested, flagsOfVerb, takesEntity } from "./resource_command.ts";
import { renderTable } from "./output/table.ts";
import { structValues } from "./values.ts";

/** The special commands and what they do, for the top-level help. */
export const SPECIAL_COMMANDS: readonly (readonly [string, string])[] = [
  [
    "login",
    "log in once, asking for the password (--kerberos: with your ticket); later commands " +
    "use the cached session",
  ],
  ["logout", "revoke the cached session and forget it"],
  ["profile", "named settings in $XDG_CONFIG_HOME/ovirt/config.json (list, set, use, remove)"],
  ["api METHOD PATH", "any request: ovirt api GET /vms/123, ovirt api POST /vms --from vm.xml"],
  ["events follow", "print new events as they come, until Ctrl-C"],
  ["disk upload FILE", "upload a disk image (raw or qcow2) into a new or existing disk"],
  ["disk download DISK FILE", "download a disk into a file"],
  ["completion SHELL", "completion script for bash, zsh or fish"],
];

function block(rows: readonly (readonly [string, string])[]): string {
  return renderTable(["", ""], rows.map(([a, b]) => [`  ${a}`, b]), Infinity, false);
}

function exitCodes(): string {
  const meaning: Record<number, string> = {
    [EXIT.OK]: "success",
    [EXIT.FAILURE]: "any other failure (also --wait seeing a status that means it failed)",
    [EXIT.USAGE]: "bad command line, bad value, ambiguous name",
    [EXIT.NOT_FOUND]: "no such object (404, or no object of that name)",
    [EXIT.AUTH]: "not logged in, bad credentials, session expired, not allowed",
    [EXIT.CONNECTION]: "engine unreachable (refused, DNS, TLS)",
    [EXIT.TIMEOUT]: "a time limit passed (request or --wait)",
    [EXIT.REFUSED]: "the engine refused the request (its reason is printed)",
    [EXIT.MAYBE_APPLIED]: "the request was sent but its answer was lost or late: the engine " +
      "may have carried it out; check before trying again",
    [EXIT.HUNG_UP]: "stopped by SIGHUP (terminal closed), after cleaning up",
    [EXIT.INTERRUPTED]: "stopped by Ctrl-C, after cleaning up (a transfer cancelled)",
    [EXIT.TERMINATED]: "stopped by SIGTERM, after cleaning up",
  };
  return block(Object.entries(meaning).map(([code, text]) => [code, text]));
}

/** Help of the whole tool. */
export function topHelp(): string {
  const words = RESOURCES.map((resource) => resource.plural).join(", ");
  return `ovirt: the oVirt engine from a shell

Usage: ovirt RESOURCE VERB [NAME|ID] [flags]
       ovirt COMMAND [flags]

Examples:
  ovirt vms list --search "status=up" -c name,status,host
  ovirt vm show myvm -o yaml
  ovirt vm start myvm --wait
  ovirt vm add --name web1 --cluster Default --template Blank --memory 2GiB
  ovirt vm nics myvm
  ovirt vm snapshots myvm add --description before-upgrade --wait
  ovirt api GET /vms/123

Commands:
${block(SPECIAL_COMMANDS)}
Resources (singular or plural; "ovirt RESOURCE --help" lists the verbs):
${wrap(words, 96, "  ")}

Global flags (anywhere; but after RESOURCE VERB, a flag of the verb itself is the verb's, as
the --url of "openstack-image-provider add": give the global one before the resource):
${block(GLOBAL_HELP)}
Settings: flags, then OVIRT_URL, OVIRT_USERNAME, OVIRT_PASSWORD, OVIRT_CA_FILE, OVIRT_INSECURE,
OVIRT_KERBEROS, then the profile (--profile, OVIRT_PROFILE, or the current one); empty variables
count as unset. COLUMNS sets the table width. Kerberos (--kerberos) needs ovirt run with
--allow-ffi (deno install -A and deno task cli grant it); nothing else does.

Exit codes:
${exitCodes()}`;
}

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(indent + line.trimEnd());
      line = "";
    }
    line += `${word} `;
  }
  if (line) lines.push(indent + line.trimEnd());
  return lines.join("\n");
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? "an" : "a";
}

function verbSummary(resource: Resource, verb: Verb): string {
  const one = resource.singular;
  switch (verb.spec.kind) {
    case "list":
      return `list the ${resource.plural}`;
    case "get":
      return `show one ${one}`;
    case "add":
      return `add ${article(one)} ${one} (flags or --from FILE)`;
    case "update":
      return `change ${article(one)} ${one}`;
    case "remove":
      return `remove ${article(one)} ${one}`;
    default:
      return `the ${verb.method} action of ${
        verb.target === "entity" ? `${article(one)} ${one}` : "the collection"
      }`;
  }
}

/** Help of one resource: its verbs and nested collections. */
export function resourceHelp(
  resource: Resource,
  extra: readonly (readonly [string, string])[] = [],
): string {
  const verbs = [...resource.verbs.values()].map((verb) =>
    [`${verb.word}${takesEntity(verb) ? " NAME|ID" : ""}`, verbSummary(resource, verb)] as const
  );
  const nested = [...resource.nested.values()].map((item: Nested) =>
    [
      `${item.word} NAME|ID [VERB | ITEM [VERB]]`,
      `the ${item.word} of a ${resource.singular}: ${[...item.verbs.keys()].join(", ")}`,
    ] as const
  );
  return `Usage: ovirt ${resource.singular} VERB [NAME|ID] [flags]   (or ovirt ${resource.plural} ...)

Verbs:
${block([...verbs, ...extra])}${nested.length ? `\nNested collections:\n${block(nested)}` : ""}
"ovirt ${resource.singular} VERB --help" lists the flags of a verb; "ovirt --help" the global ones.
`;
}

/** What a flag takes; `sized`: an integer may be a size with a unit (members, not parameters). */
function describeKind(
  spec: { kind: string; type?: string; list?: boolean },
  sized = false,
): string {
  const many = spec.list ? " (repeatable)" : "";
  switch (spec.kind) {
    case "boolean":
      return `true/false: --flag or --no-flag${many}`;
    case "integer":
      return sized
        ? `integer, sizes may end in K, M, G, T (GiB), KB, MB, GB${many}`
        : `integer${many}`;
    case "enum":
      return `one of ${ENUMS[spec.type!]?.values.join(", ")}${many}`;
    case "struct":
      return `${spec.type}: ${structValues(spec.type!)}${many}`;
    default:
      return `${spec.kind}${many}`;
  }
}

/** Help of one verb: usage and every flag. */
export function verbHelp(resource: Resource, verb: Verb): string {
  const { flags, options } = flagsOfVerb(verb);
  const rows: (readonly [string, string])[] = [];
  for (const [flag, param] of flags.params) {
    rows.push([`--${flag}${param.kind === "boolean" ? "" : " VALUE"}`, describeKind(param)]);
  }
  if (verb.spec.kind === "action") {
    rows.push([
      "--from FILE",
      "these parameters as JSON or XML <action> (- for stdin), flags over them member by member",
    ]);
  }
  if (flags.members.size > 0) {
    rows.push(["--from FILE", `the ${verb.spec.main!.type} as JSON or XML (- for stdin)`]);
    for (const [flag, member] of flags.members) {
      rows.push([
        `--${flag}${member.kind === "boolean" ? "" : " VALUE"}`,
        describeKind(member, true),
      ]);
    }
  }
  if ("wait" in options) rows.push(...WAIT_HELP);
  const target = takesEntity(verb) ? " NAME|ID" : "";
  return `Usage: ovirt ${resource.singular} ${verb.word}${target} [flags]

${verbSummary(resource, verb)[0].toUpperCase()}${verbSummary(resource, verb).slice(1)}.

Flags:
${rows.length ? block(rows) : "  (none besides the global ones)\n"}${
    shadowNote(Object.keys(options), `${resource.singular} ${verb.word}`)
  }`;
}

/**
 * What a command whose own flags have the names of global ones says about them: after the
 * verb they are its own, and the global flags go before the resource.
 */
function shadowNote(flags: readonly string[], command: string): string {
  const shadowed = flags.filter((flag) => Object.hasOwn(GLOBAL_OPTIONS, flag));
  if (shadowed.length === 0) return "";
  const names = shadowed.map((flag) => `--${flag}`);
  const list = names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : names[0];
  const example = shadowed.includes("url") ? ` (ovirt --url URL ${command} ...)` : "";
  return `
Here ${list} ${names.length > 1 ? "are" : "is"} this command's own: a global flag of that name
goes before the resource${example}.
`;
}

/** Help of a nested collection: usage and the flags of its list. */
export function nestedHelp(resource: Resource, nested: Nested): string {
  const { params, options } = flagsOfNested(nested);
  const rows = [...params].map(([flag, param]) =>
    [`--${flag}${param.kind === "boolean" ? "" : " VALUE"}`, describeKind(param)] as const
  );
  const one = `${article(resource.singular)} ${resource.singular}`;
  return `Usage: ovirt ${resource.singular} ${nested.word} NAME|ID [list] [flags]

Lists the ${nested.word} of ${one}.

Flags:
${rows.length ? block(rows) : "  (none besides the global ones)\n"}${
    shadowNote(Object.keys(options), `${resource.singular} ${nested.word}`)
  }`;
}
