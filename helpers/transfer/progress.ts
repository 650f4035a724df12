/**
 * What a transfer reports while it runs and when it is done.
 *
 * @module
 */

/** How far a transfer has come. */
export interface TransferProgress {
  /** Bytes of the image done so far (sent, zeroed, received or skipped as holes). */
  transferred: number;
  /** Bytes in all (for a download: as soon as the server told). */
  total: number;
}

/** What moving an image cost. */
export interface TransferStats {
  /** Size of the image in bytes. */
  size: number;
  /** Bytes of data that travelled (request bodies of an upload, answers of a download). */
  dataBytes: number;
  /** Bytes that did not travel: zeroed with `PATCH`, or left as holes. */
  zeroBytes: number;
  /** How many data requests were sent (PUT, PATCH, GET). */
  requests: number;
  /** How many connections moved bytes at once. */
  connections: number;
  /** Which URL of the transfer was used. */
  via: "transfer_url" | "proxy_url";
  /** How the source's holes were found (uploads of a file): `seek`, `qemu-img` or `scan`. */
  mapMethod?: "seek" | "qemu-img" | "scan";
}

/** Counts bytes and requests and reports progress, for one transfer. */
export class Tally {
  readonly stats: TransferStats;
  readonly #onProgress?: (progress: TransferProgress) => void;
  #done = 0;

  /** Starts counting a transfer of `size` bytes. */
  constructor(
    stats: Omit<TransferStats, "dataBytes" | "zeroBytes" | "requests">,
    onProgress?: (progress: TransferProgress) => void,
  ) {
    this.stats = { ...stats, dataBytes: 0, zeroBytes: 0, requests: 0 };
    this.#onProgress = onProgress;
  }

  /** Records `length` bytes done, as data or zeros, with `requests` requests. */
  add(length: number, zero: boolean, requests = 1): void {
    if (zero) this.stats.zeroBytes += length;
    else this.stats.dataBytes += length;
    this.stats.requests += requests;
    this.#done += length;
    this.#onProgress?.({ transferred: this.#done, total: this.stats.size });
  }
}
