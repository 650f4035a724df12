/**
 * Shell completion: `ovirt completion bash|zsh|fish` prints a script that asks
 * `ovirt __complete WORD...` for the candidates of the last word: commands, verbs, flags,
 * and the names of the objects a verb takes (read from the engine when a session works).
 *
 * @module
 */

import { findResource, RESOURCES } from "./command_table.ts";
import { specialVerbs } from "./special_verbs.ts";
import type { Context } from "./context.ts";
import { UsageError } from "./errors.ts";
import { GLOBAL_OPTIONS, type OptionSpec, type ParsedFlags, parseFlags } from "./options.ts";
import { FORMATS } from "./output/render.ts";
import { flagsOfNested, flagsOfVerb, takesEntity } from "./resource_command.ts";

const SCRIPTS: Readonly<Record<string, string>> = {
  bash: `# bash completion for ovirt: source <(ovirt completion bash)
_ovirt() {
  local candidate
  COMPREPLY=()
  while IFS= read -r candidate; do
    COMPREPLY+=("$(printf '%q' "$candidate")")  # a name with spaces or * stays one word
  done < <(ovirt __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
}
complete -o default -F _ovirt ovirt
`,
  zsh: `#compdef ovirt
# zsh completion for ovirt: source <(ovirt completion zsh)
_ovirt() {
  local -a candidates
  candidates=("\${(@f)$(ovirt __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -a candidates
}
compdef _ovirt ovirt
`,
  fish: `# fish completion for ovirt: ovirt completion fish | source
complete -c ovirt -f -a '(ovirt __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'
`,
};

/** Help of `ovirt completion`. */
export const COMPLETION_HELP = `Usage: ovirt completion bash|zsh|fish

Prints the completion script of a shell. Load it with:
  bash:  source <(ovirt completion bash)     (in ~/.bashrc)
  zsh:   source <(ovirt completion zsh)      (in ~/.zshrc, after compinit)
  fish:  ovirt completion fish > ~/.config/fish/completions/ovirt.fish
`;

/** Runs `ovirt completion SHELL`. */
export function runCompletion(context: Context, { positionals }: ParsedFlags): Promise<void> {
  const shell = positionals[0];
  const script = shell === undefined ? undefined : SCRIPTS[shell];
  if (!script) throw new UsageError("ovirt completion: give bash, zsh or fish");
  context.out(script);
  return Promise.resolve();
}

/** Words of the special commands that take a sub-word, and those sub-words. */
const SUB_WORDS: Readonly<Record<string, readonly string[]>> = {
  profile: ["list", "show", "set", "use", "remove"],
  completion: ["bash", "zsh", "fish"],
  api: ["GET", "POST", "PUT", "DELETE"],
};

/** The flags after `before` (the words typed so far, flags left out): global and the verb's. */
function optionsAfter(before: readonly string[]): Record<string, OptionSpec> {
  const resource = before[0] === undefined ? undefined : findResource(before[0]);
  const word = before[1];
  if (!resource || word === undefined) return { ...GLOBAL_OPTIONS };
  const verb = resource.verbs.get(word);
  const nested = resource.nested.get(word);
  const own = specialVerbs(resource.singular).find((item) => item.word === word);
  return {
    ...GLOBAL_OPTIONS,
    ...(verb ? flagsOfVerb(verb).options : {}),
    ...(nested ? flagsOfNested(nested).options : {}),
    ...(own ? own.options : {}),
  };
}

/** The option `flag` (`--host`, `--host=x`, `-o`, `--no-wait`) names among `options`. */
function optionOf(flag: string, options: Record<string, OptionSpec>): OptionSpec | undefined {
  if (!flag.startsWith("--")) {
    return Object.values(options).find((spec) => spec.short === flag[1]);
  }
  const name = flag.slice(2).split("=", 1)[0];
  return Object.hasOwn(options, name) ? options[name] : undefined;
}

/** The candidates for the last of `words` (the word being typed, maybe empty). */
export async function candidates(
  context: Context,
  words: readonly string[],
  specials: readonly string[],
): Promise<string[]> {
  const current = words.at(-1) ?? "";
  // The words typed before, without flags and the values of those that take one; global
  // flags before the resource (`-p lab`, `--url`) apply to the names read from the engine.
  const before: string[] = [];
  const leading: string[] = [];
  let valueOf: OptionSpec | undefined; // the flag whose value is being typed
  const typed = words.slice(0, -1);
  for (let index = 0; index < typed.length; index++) {
    const word = typed[index];
    valueOf = undefined;
    if (word === "-" || !word.startsWith("-")) {
      before.push(word);
      continue;
    }
    const spec = optionOf(word, optionsAfter(before));
    const takesNext = spec?.type === "string" && !word.includes("=") &&
      (word.startsWith("--") || word.length === 2);
    if (before.length === 0) leading.push(...typed.slice(index, index + (takesNext ? 2 : 1)));
    if (!takesNext) continue;
    if (index + 1 === typed.length) valueOf = spec; // `ovirt -o <TAB>`
    index++;
  }
  try {
    context.useGlobals(parseFlags(leading).globals);
  } catch { /* a flag being typed: complete without it */ }
  const resource = before[0] === undefined ? undefined : findResource(before[0]);
  const verb = resource && before[1] !== undefined ? resource.verbs.get(before[1]) : undefined;
  let found: string[];
  if (valueOf) {
    found = valueOf === GLOBAL_OPTIONS.output ? [...FORMATS] : [];
  } else if (current.startsWith("-")) {
    found = Object.entries(optionsAfter(before)).flatMap(([flag, spec]) =>
      spec.type === "boolean" && flag !== "help" ? [`--${flag}`, `--no-${flag}`] : [`--${flag}`]
    );
  } else if (before.length === 0) {
    found = [...specials, ...RESOURCES.flatMap((item) => [item.plural, item.singular])];
  } else if (before.length === 1) {
    found = resource
      ? [
        ...resource.verbs.keys(),
        ...resource.nested.keys(),
        ...specialVerbs(resource.singular).map((v) => v.word),
      ]
      : [...(SUB_WORDS[before[0]] ?? [])];
  } else if (
    before.length === 2 && resource &&
    ((verb && takesEntity(verb)) || resource.nested.has(before[1]))
  ) {
    found = await names(context, resource.segment);
  } else {
    found = [];
  }
  return found.filter((candidate) => candidate.startsWith(current)).sort();
}

async function names(context: Context, segment: string): Promise<string[]> {
  try {
    const { connection } = await context.session();
    const service = connection.service(segment) as unknown as {
      list(options?: object): Promise<{ name?: string }[]>;
    };
    const items = await service.list({ max: 500 });
    return items.map((item) => item.name).filter((name): name is string => !!name);
  } catch {
    return []; // no session or no engine: complete nothing rather than fail
  }
}
