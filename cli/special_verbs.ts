/**
 * Verbs that are not model methods but belong to a resource: `ovirt disk upload`,
 * `ovirt disk download`, `ovirt events follow`.
 *
 * @module
 */

import type { Context } from "./context.ts";
import {
  DOWNLOAD_HELP,
  DOWNLOAD_OPTIONS,
  runDownload,
  runUpload,
  UPLOAD_HELP,
  UPLOAD_OPTIONS,
} from "./disk_command.ts";
import { FOLLOW_HELP, FOLLOW_OPTIONS, runFollow } from "./events_command.ts";
import type { OptionSpec, ParsedFlags } from "./options.ts";

/** A verb of a resource that the CLI adds. */
export interface SpecialVerb {
  /** The word, e.g. `upload`. */
  readonly word: string;
  /** Usage for the resource's help, e.g. `upload FILE`. */
  readonly usage: string;
  /** One line for the resource's help. */
  readonly summary: string;
  /** Its `--help`. */
  readonly help: string;
  /** Its own flags (the global ones come with them; a flag of its own wins). */
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Whether its first word is the name or id of an object of the resource (completed). */
  readonly takesName?: boolean;
  /** Runs it with the flags and words after the verb. */
  run(context: Context, args: ParsedFlags): Promise<void>;
}

const VERBS: Readonly<Record<string, readonly SpecialVerb[]>> = {
  disk: [
    {
      word: "upload",
      usage: "upload FILE",
      summary: "upload a raw or qcow2 image into a new or existing disk",
      help: UPLOAD_HELP,
      options: UPLOAD_OPTIONS,
      run: runUpload,
    },
    {
      word: "download",
      usage: "download NAME|ID FILE",
      takesName: true,
      summary: "download a disk into a file",
      help: DOWNLOAD_HELP,
      options: DOWNLOAD_OPTIONS,
      run: runDownload,
    },
  ],
  event: [{
    word: "follow",
    usage: "follow",
    summary: "print new events as they come, until Ctrl-C",
    help: FOLLOW_HELP,
    options: FOLLOW_OPTIONS,
    run: runFollow,
  }],
};

/** The verbs the CLI adds to the resource whose singular word is `singular`. */
export function specialVerbs(singular: string): readonly SpecialVerb[] {
  return VERBS[singular] ?? [];
}
