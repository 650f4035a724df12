/**
 * The commands that are not resources: `login`, `logout`, `profile`, `api`,
 * `completion`, and `__complete` (what the completion scripts call).
 *
 * @module
 */

import { API_HELP, API_OPTIONS, runApi } from "./api_command.ts";
import { candidates, COMPLETION_HELP, runCompletion } from "./completion.ts";
import type { Context } from "./context.ts";
import { LOGIN_HELP, LOGOUT_HELP, LOGOUT_OPTIONS, runLogin, runLogout } from "./login_command.ts";
import type { OptionSpec, ParsedFlags } from "./options.ts";
import { PROFILE_HELP, PROFILE_OPTIONS, runProfile } from "./profile_command.ts";

/** A command that is not a resource. */
export interface SpecialCommand {
  /** Its `--help`. */
  readonly help: string;
  /** Its own flags (the global ones come with them; a flag of its own wins). */
  readonly options?: Readonly<Record<string, OptionSpec>>;
  /** Whether it takes the words after it as they are, flags included (`__complete`). */
  readonly raw?: boolean;
  /** Runs it with the flags and words after its word. */
  run(context: Context, args: ParsedFlags): Promise<void>;
}

/** The special commands by word. */
export const SPECIAL: ReadonlyMap<string, SpecialCommand> = new Map<string, SpecialCommand>([
  ["login", { help: LOGIN_HELP, run: runLogin }],
  ["logout", { help: LOGOUT_HELP, options: LOGOUT_OPTIONS, run: runLogout }],
  ["profile", { help: PROFILE_HELP, options: PROFILE_OPTIONS, run: runProfile }],
  ["api", { help: API_HELP, options: API_OPTIONS, run: runApi }],
  ["completion", { help: COMPLETION_HELP, run: runCompletion }],
  ["__complete", {
    help: "Usage: ovirt __complete WORD... (called by the completion scripts)\n",
    raw: true,
    run: async (context, { positionals: args }) => {
      const words = args.length > 0 ? args : [""];
      const specials = [...SPECIAL].filter(([word]) => word[0] !== "_")
        .map(([word, command]) => [word, command.options ?? {}] as const);
      const found = await candidates(context, words, new Map(specials));
      context.out(found.map((candidate) => `${candidate}\n`).join(""));
    },
  }],
]);
