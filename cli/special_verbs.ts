/**
 * Verbs that are not model methods but belong to a resource: `ovirt disk upload`,
 * `ovirt disk download`, `ovirt events follow`.
 *
 * @module
 */

import type { Context } from "./context.ts";
import { DOWNLOAD_HELP, runDownload, runUpload, UPLOAD_HELP } from "./disk_command.ts";
import { FOLLOW_HELP, runFollow } from "./events_command.ts";

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
  /** Runs it with the arguments after the verb. */
  run(context: Context, args: string[]): Promise<void>;
}

const VERBS: Readonly<Record<string, readonly SpecialVerb[]>> = {
  disk: [
    {
      word: "upload",
      usage: "upload FILE",
      summary: "upload a raw or qcow2 image into a new or existing disk",
      help: UPLOAD_HELP,
      run: runUpload,
    },
    {
      word: "download",
      usage: "download NAME|ID FILE",
      summary: "download a disk into a file",
      help: DOWNLOAD_HELP,
      run: runDownload,
    },
  ],
  event: [{
    word: "follow",
    usage: "follow",
    summary: "print new events as they come, until Ctrl-C",
    help: FOLLOW_HELP,
    run: runFollow,
  }],
};

/** The verbs the CLI adds to the resource whose singular word is `singular`. */
export function specialVerbs(singular: string): readonly SpecialVerb[] {
  return VERBS[singular] ?? [];
}
