/**
 * A progress display for transfers: one line redrawn in place on a terminal, a plain line
 * every ten percent otherwise (logs, CI).
 *
 * @example
 * ```ts
 * import { Connection, progressBar, uploadDisk } from "@ovirt/sdk";
 *
 * const connection = new Connection({ url: "https://engine/ovirt-engine/api", token: "..." });
 * const image = await Deno.readFile("disk.raw");
 * await uploadDisk(connection, "disk-id", image, image.byteLength, {
 *   onProgress: progressBar("Uploading"),
 * });
 * ```
 *
 * @module
 */

import type { TransferProgress } from "./image_transfer.ts";

/** Where the progress goes: standard output by default. */
export interface ProgressOutput {
  /** Whether the output is a terminal (the line is then redrawn in place). */
  isTerminal(): boolean;
  /** Writes bytes. */
  writeSync(bytes: Uint8Array): number;
}

/**
 * Makes an `onProgress` callback that shows `label`, the percentage and the MiB moved.
 * On a terminal the line is redrawn with `\r` and ends with a newline when complete;
 * elsewhere a line is written each time a new tenth is reached.
 */
export function progressBar(
  label: string,
  output: ProgressOutput = Deno.stdout,
): (progress: TransferProgress) => void {
  const terminal = output.isTerminal();
  const encoder = new TextEncoder();
  let shownTenths = -1;
  return ({ transferred, total }) => {
    const known = total > 0 && Number.isFinite(total);
    const percent = known ? Math.floor(100 * transferred / total) : 0;
    const line = `${label} ${percent}% (${(transferred / 1024 ** 2).toFixed(1)} MiB)`;
    if (terminal) {
      output.writeSync(
        encoder.encode(`\r\x1b[2K${line}${known && transferred >= total ? "\n" : ""}`),
      );
    } else if (Math.floor(percent / 10) > shownTenths) {
      shownTenths = Math.floor(percent / 10);
      output.writeSync(encoder.encode(`${line}\n`));
    }
  };
}
