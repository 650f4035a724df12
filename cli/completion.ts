/**
 * Shell completion: `ovirt completion bash|zsh|fish` prints a script that asks
 * `ovirt __complete WORD...` for the candidates of the last word: commands, verbs, flags,
 * and the names of the objects a verb takes (read from the engine when a session works).
 *
 * @module
 */

import { OvirtError, searchQuery, where } from "../mod.ts";
import { untilAborted } from "../transport/abortable.ts";
import { findResource, type Resource, RESOURCES } from "./command_table.ts";
import { readConfig } from "./config.ts";
import { specialVerbs } from "./special_verbs.ts";
import type { Context } from "./context.ts";
import { UsageError } from "./errors.ts";
import { GLOBAL_OPTIONS, type OptionSpec, type ParsedFlags, parseFlags } from "./options.ts";
import { FORMATS } from "./output/render.ts";
import { flagsOfVerb, takesEntity } from "./resource_command.ts";
import { nestedCandidates, nestedOptions } from "./nested_completion.ts";
import { unquotedWord } from "./shell_word.ts";

/**
 * The scripts. Where `ovirt __complete` offers nothing, as where a FILE goes (`disk upload`,
 * `disk download DISK FILE`, `--from`, `--ca-file`), each shell completes file names.
 */
const SCRIPTS: Readonly<Record<string, string>> = {
  bash: `# bash completion for ovirt: source <(ovirt completion bash)
_ovirt() {
  local cur cword candidate prefix='' breaks='' c quoted=''
  local -a words
  COMPREPLY=()
  _ovirt_words  # words, cword, cur: as _get_comp_words_by_ref -n :=@ of bash-completion
  ((cword > 0)) || return 0
  # Bash replaces only what follows the last : = or @ of the word (of COMP_WORDBREAKS).
  for c in : = @; do [[ $COMP_WORDBREAKS == *"$c"* ]] && breaks+=$c; done
  [[ -n $breaks && $cur == *["$breaks"]* ]] && prefix=\${cur%"\${cur##*["$breaks"]}"}
  # After an opening quote, readline replaces what follows it: the name goes in as it is.
  [[ $cur == [\\"\\']* ]] && quoted=1
  while IFS= read -r candidate; do
    candidate=\${candidate#"$prefix"}
    if [[ -n $quoted ]]; then
      COMPREPLY+=("$candidate")
    else
      COMPREPLY+=("$(printf '%q' "$candidate")")  # a name with spaces stays one word
    fi
  done < <(ovirt __complete "\${words[@]:1:cword-1}" "$cur" 2>/dev/null)
}
# The words up to the cursor as typed, into words, cword and cur: bash splits COMP_WORDS at
# COMP_WORDBREAKS (--url https://e:443/api is five words), joined again here where no space
# parts them at a : = or @.
_ovirt_words() {
  local line=\${COMP_LINE:0:COMP_POINT} rest word i
  words=() cword=-1
  if [[ -z \${COMP_LINE+set} ]]; then  # not called by bash's completion: its words as they are
    words=("\${COMP_WORDS[@]}") cword=$COMP_CWORD cur=\${COMP_WORDS[COMP_CWORD]}
    return
  fi
  for ((i = 0; i <= COMP_CWORD; i++)); do
    rest=\${line#"\${line%%[![:space:]]*}"}
    if ((i == COMP_CWORD)); then word=$rest; else word=\${COMP_WORDS[i]}; fi
    if ((i > 0 && \${#rest} == \${#line})) &&
      [[ $word == [@:=]* || \${words[cword]} == *[@:=] ]]; then
      words[cword]+=$word
    else
      words+=("$word")
      cword=$((cword + 1))
    fi
    line=\${rest:\${#word}}
  done
  cur=\${words[cword]}
}
complete -o default -F _ovirt ovirt
`,
  zsh: `#compdef ovirt
# zsh completion for ovirt: source <(ovirt completion zsh)
_ovirt() {
  local -a candidates
  candidates=("\${(@f)$(ovirt __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  candidates=("\${(@)candidates:#}")  # no output is one empty line: not a match
  if (( \${#candidates} )); then
    compadd -a candidates
  else
    _files  # a FILE (disk upload, --from, --ca-file), or nothing else fits
  fi
}
compdef _ovirt ovirt
`,
  fish: `# fish completion for ovirt: ovirt completion fish | source
function __ovirt_complete
    set -l found (ovirt __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)
    if set -q found[1]
        printf '%s\\n' $found
    else # a FILE (disk upload, --from, --ca-file), or nothing else fits
        __fish_complete_path (commandline -ct)
    end
end
complete -c ovirt -f -a '(__ovirt_complete)'
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

/** The `profile` actions that take the name of a profile. */
const PROFILE_NAMED = new Set(["show", "set", "use", "remove"]);

/** The special commands by word, with their own flags (as `ovirt` has them). */
export type SpecialFlags = ReadonlyMap<string, Readonly<Record<string, OptionSpec>>>;

/**
 * The command's own flags after `before` (the words typed so far, flags left out): the
 * verb's, the nested collection's, the implicit `list`'s after a resource alone, or a
 * special command's. A global flag of the same name is then the command's.
 */
function ownOptions(before: readonly string[], specials: SpecialFlags): Record<string, OptionSpec> {
  if (before[0] === undefined) return {};
  const special = specials.get(before[0]);
  if (special) return { ...special };
  const resource = findResource(before[0]);
  if (!resource) return {};
  const word = before[1];
  if (word === undefined) {
    const list = resource.verbs.get("list");
    return list ? { ...flagsOfVerb(list).options } : {};
  }
  const verb = resource.verbs.get(word);
  const nested = resource.nested.get(word);
  const own = specialVerbs(resource.singular).find((item) => item.word === word);
  return {
    ...(verb ? flagsOfVerb(verb).options : {}),
    ...(nested ? nestedOptions(resource, nested, before.slice(2)) : {}),
    ...(own ? own.options : {}),
  };
}

/**
 * The option the flag `word` (`--host`, `--host=x`, `--no-wait`, `-o`, a group `-ho`) names
 * among `options` (the last of a group), and whether its value is the next word.
 */
function flagOf(
  word: string,
  options: Record<string, OptionSpec>,
): { spec?: OptionSpec; takesNext: boolean } {
  if (word.startsWith("--")) {
    const equals = word.indexOf("=");
    const name = equals < 0 ? word.slice(2) : word.slice(2, equals);
    let spec = Object.hasOwn(options, name) ? options[name] : undefined;
    if (!spec && name.startsWith("no-") && Object.hasOwn(options, name.slice(3))) {
      spec = options[name.slice(3)];
    }
    return { spec, takesNext: spec?.type === "string" && equals < 0 };
  }
  let spec: OptionSpec | undefined;
  for (let letter = 1; letter < word.length; letter++) {
    spec = Object.values(options).find((option) => option.short === word[letter]);
    if (!spec) return { takesNext: false };
    if (spec.type === "string") return { spec, takesNext: letter + 1 === word.length };
  }
  return { spec, takesNext: false };
}

/**
 * The candidates for the last of `words` (the word being typed, maybe empty), after the
 * words typed before it. Global flags apply wherever they are, as the command itself reads
 * them (`ovirt vm -p lab show <TAB>` lists the names of profile lab's engine); a flag of
 * the verb is the verb's.
 */
export async function candidates(
  context: Context,
  words: readonly string[],
  specials: SpecialFlags,
): Promise<string[]> {
  const current = unquotedWord(words.at(-1) ?? ""); // as typed: `my\ v`, `"my v`
  const typed = words.slice(0, -1);
  const before: string[] = []; // the words typed before, without flags and their values
  let valueOf: OptionSpec | undefined; // the flag whose value is being typed
  let help = false; // `ovirt help vm <TAB>` completes as `ovirt vm <TAB>`
  let wordNext = false; // after a `--` before the command word: the next word is it
  let onlyWords = false; // after a `--` after the command word: no more flags
  for (let index = 0; index < typed.length; index++) {
    const word = typed[index];
    valueOf = undefined;
    if (wordNext || onlyWords || word === "-" || !word.startsWith("-")) {
      wordNext = false;
      if (before.length === 0 && !help && word === "help") help = true;
      else before.push(word);
      continue;
    }
    if (word === "--") {
      if (before.length === 0) wordNext = true;
      else onlyWords = true;
      continue;
    }
    const own = ownOptions(before, specials);
    const { spec, takesNext } = flagOf(word, { ...GLOBAL_OPTIONS, ...own });
    if (takesNext && index + 1 === typed.length) {
      valueOf = spec; // `ovirt -o <TAB>`
      break;
    }
    try { // before the command word, only global flags; after it, the command's win
      context.useGlobals(parseFlags(typed.slice(index, index + (takesNext ? 2 : 1)), own).globals);
    } catch { /* not a flag of this command, or a bad value: complete without it */ }
    if (takesNext) index++;
  }
  const own = ownOptions(before, specials);
  const options: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS, ...own };
  const flagsAllowed = !wordNext && !onlyWords;
  const resource = before[0] === undefined ? undefined : findResource(before[0]);
  const nested = before.length > 2 ? resource?.nested.get(before[1]) : undefined;
  let found: string[];
  if (valueOf) {
    found = await valuesOf(context, valueOf);
  } else if (flagsAllowed && current.startsWith("--") && current.includes("=")) {
    const name = current.slice(2, current.indexOf("="));
    const spec = Object.hasOwn(options, name) ? options[name] : undefined;
    found = spec ? (await valuesOf(context, spec)).map((value) => `--${name}=${value}`) : [];
  } else if (flagsAllowed && current.startsWith("-")) {
    found = Object.entries(options).flatMap(([flag, spec]) =>
      spec.type === "boolean" && flag !== "help" ? [`--${flag}`, `--no-${flag}`] : [`--${flag}`]
    );
  } else if (before.length === 0) {
    found = [
      ...specials.keys(),
      ...(help ? [] : ["help"]),
      ...RESOURCES.flatMap((item) => [item.plural, item.singular]),
    ];
  } else if (before.length === 1) {
    found = resource
      ? [
        ...resource.verbs.keys(),
        ...resource.nested.keys(),
        ...specialVerbs(resource.singular).map((v) => v.word),
      ]
      : [...(SUB_WORDS[before[0]] ?? [])];
  } else if (before.length === 2 && before[0] === "profile" && PROFILE_NAMED.has(before[1])) {
    found = await profileNames(context);
  } else if (before.length === 2 && resource && takesName(resource, before[1])) {
    found = await names(context, resource, current);
  } else if (nested) {
    found = await nestedCandidates(context, resource!, nested, before.slice(2), NAMES_LIMIT);
  } else {
    found = []; // a FILE, or nothing: the shell offers file names
  }
  return [...new Set(found)].filter((candidate) => candidate.startsWith(current)).sort();
}

/** Whether the verb `word` of `resource` takes the name of one of its objects first. */
function takesName(resource: Resource, word: string): boolean {
  const verb = resource.verbs.get(word);
  if (verb) return takesEntity(verb);
  if (resource.nested.has(word)) return true;
  return specialVerbs(resource.singular).some((item) => item.word === word && item.takesName);
}

/** The values a flag takes, where the CLI knows them: formats, profiles. */
async function valuesOf(context: Context, spec: OptionSpec): Promise<string[]> {
  if (spec === GLOBAL_OPTIONS.output) return [...FORMATS];
  if (spec === GLOBAL_OPTIONS.profile) return await profileNames(context);
  return [];
}

async function profileNames(context: Context): Promise<string[]> {
  try {
    return Object.keys((await readConfig(context.env)).profiles);
  } catch {
    return []; // an unreadable config: nothing to offer
  }
}

/** Milliseconds the names of objects may take to come before completion offers none. */
export const NAMES_LIMIT = 3000;

/** The most objects whose names one completion asks for. */
const NAMES_MAX = 500;

/**
 * The names of `resource`'s objects that may start with `prefix`: where its `list` takes a
 * search, the engine's search for `name=PREFIX*` (so that a name past the first
 * {@link NAMES_MAX} objects is found too), else the first {@link NAMES_MAX} objects.
 */
async function names(context: Context, resource: Resource, prefix: string): Promise<string[]> {
  // A shell waits for completion: an engine that does not answer must not hold it.
  const signal = AbortSignal.any([context.signal, AbortSignal.timeout(NAMES_LIMIT)]);
  const searchable = prefix !== "" &&
    !!resource.verbs.get("list")?.params.some((param) => param.name === "search");
  const listed = async () => {
    const { connection } = await context.session();
    const service = connection.service(resource.segment) as unknown as {
      list(options?: object): Promise<{ name?: string }[]>;
    };
    if (searchable) {
      // What the search cannot take literally becomes a wildcard: the caller keeps only the
      // names that start with the prefix as typed.
      const search = searchQuery(where.like("name", `${prefix}*`)).text;
      try {
        return await service.list({ search, max: NAMES_MAX, signal });
      } catch (error) {
        // A search without a `name` field (the engine's jobs) fails: list without one.
        if (!(error instanceof OvirtError && error.code === 400)) throw error;
      }
    }
    return await service.list({ max: NAMES_MAX, signal });
  };
  try {
    const items = await untilAborted(listed(), signal);
    return items.map((item) => item.name).filter((name): name is string => !!name);
  } catch {
    return []; // no session, no engine, or no answer in time: complete nothing, not fail
  }
}
