/**
 * What a transfer command may leave behind, noted for a clean-up cut short (a second Ctrl-C,
 * the time limit): first as the command knows it (`the new disk "web"`), then with the ids
 * the SDK's transfer helpers tell as the engine gives them (`onDisk`, `onTransfer`).
 *
 * @module
 */

import type { types } from "../mod.ts";
import type { Leftovers } from "./interrupt.ts";

/** The notes of one transfer, and the helper options that complete them; dispose when done. */
export interface TransferNotes extends Disposable {
  /** Puts the new disk's id into its note. */
  onDisk(disk: types.Disk): void;
  /** Notes the image transfer, by id. */
  onTransfer(transfer: types.ImageTransfer): void;
}

/**
 * Notes `disk` (`the new disk "web"`) followed by `then` (`on storage domain data: remove
 * it`) in `leftovers`; the disk's id goes after `disk` once told, and the transfer is noted
 * once made.
 */
export function noteTransfer(leftovers: Leftovers, disk: string, then: string): TransferNotes {
  let diskNote = leftovers.note(`${disk}${then}`);
  let transferNote: Disposable | undefined;
  return {
    onDisk(made) {
      diskNote[Symbol.dispose]();
      diskNote = leftovers.note(`${disk} (${made.id})${then}`);
    },
    onTransfer(made) {
      transferNote ??= leftovers.note(`image transfer ${made.id}`);
    },
    [Symbol.dispose]() {
      diskNote[Symbol.dispose]();
      transferNote?.[Symbol.dispose]();
    },
  };
}
