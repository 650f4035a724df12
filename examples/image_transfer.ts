/**
 * Starts an image transfer for a disk and keeps it open until Ctrl-C (or `--seconds`),
 * then finalizes it. Meanwhile other tools (ovirt-imageio's client, curl) can read or
 * write the disk at the transfer URL the script prints; the script pings the image
 * server every `--interval` seconds so that the transfer does not expire for inactivity.
 * A Ctrl-C before the transfer is open cancels it (`examples/lib/interrupt.ts`), so that the
 * disk is not left locked. `--disk` is a disk's exact name.
 * `--disk` takes a disk's name or, as names need not be unique, its id.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/image_transfer.ts
 * [--disk vm003_disk1|ID] [--direction download|upload] [--shallow] [--seconds N] [--interval 50]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, types, waitFor } from "../mod.ts";
import { findDisk } from "./lib/find_disk.ts";
import { endTransfer } from "./lib/end_transfer.ts";
import { onCtrlC } from "./lib/interrupt.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/image_transfer.ts [--disk vm003_disk1|ID] [--direction download|upload] [--shallow] [--seconds N] [--interval 50]";

/** The value of a flag that takes a number of seconds above 0, else a usage error. */
function seconds(flag: string, text: string): number {
  const value = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : NaN;
  if (!(value > 0)) {
    usage(`--${flag} takes a number of seconds above 0, not ${JSON.stringify(text)}`);
  }
  return value;
}

const { values, usage } = scriptArgs(USAGE, {
  disk: { type: "string", default: "vm003_disk1" },
  direction: { type: "string", default: "download" },
  shallow: { type: "boolean", default: false },
  seconds: { type: "string" },
  interval: { type: "string", default: "50" },
});
if (values.direction !== "download" && values.direction !== "upload") {
  usage(`--direction takes download or upload, not ${JSON.stringify(values.direction)}`);
}
const interval = seconds("interval", values.interval);
const limit = values.seconds === undefined ? undefined : seconds("seconds", values.seconds);

/** Waits `ms` milliseconds; resolves to false instead if `signal` fires first. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const stop = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", stop);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", stop, { once: true });
  });
}

await using connection = new Connection(connectionOptionsFromEnv());
using interrupt = onCtrlC();
const systemService = connection.systemService();
const disk = found(
  await findDisk(systemService.disksService(), values.disk, {
    signal: interrupt.signal,
  }),
  `No disk with name or id ${values.disk}`,
);

// `raw`: the image server speaks guest data whatever the disk's format. The call is not
// aborted by Ctrl-C: the transfer it opens is to be cancelled, which needs its id.
const transfersService = systemService.imageTransfersService();
const created = await transfersService.add({
  disk: { id: disk.id },
  direction: values.direction === "upload"
    ? types.ImageTransferDirection.UPLOAD
    : types.ImageTransferDirection.DOWNLOAD,
  format: types.DiskFormat.RAW,
  shallow: values.shallow === true,
});
const transferService = transfersService.imageTransferService(created.id!);
const untrack = interrupt.track(`image transfer ${created.id} of disk ${disk.name}`);
// Ctrl-C while the transfer starts cancels it; once it is open, Ctrl-C ends it well.
let done = false;
try {
  const transfer = await waitFor(
    () => transferService.get(),
    (current) => current.phase !== types.ImageTransferPhase.INITIALIZING,
    { interval: 1000, signal: interrupt.signal },
  );
  if (transfer.phase !== types.ImageTransferPhase.TRANSFERRING) {
    throw new Error(`Transfer ${transfer.id} is ${transfer.phase}, not transferring`);
  }
  const host = await systemService.hostsService().hostService(transfer.host!.id!).get();
  console.log(`Transfer ID: ${transfer.id}`);
  console.log(`Transfer host: ${host.name}`);
  console.log(`Transfer URL: ${transfer.transferUrl}`);
  console.log(`Proxy URL: ${transfer.proxyUrl}`);

  const until = limit === undefined
    ? interrupt.signal
    : AbortSignal.any([interrupt.signal, AbortSignal.timeout(limit * 1000)]);
  done = true;
  while (await pause(interval * 1000, until)) {
    // Any request to the image server, even OPTIONS, extends the transfer's ticket.
    const response = await connection.transferRequest({
      method: "OPTIONS",
      url: transfer.transferUrl ?? transfer.proxyUrl!,
    });
    await response.body.cancel();
    if (response.status < 200 || response.status > 299) {
      // The ticket is gone: the transfer was cancelled, paused or ended elsewhere.
      const { phase } = await transferService.get();
      console.error(`The image server refused the transfer (HTTP ${response.status}): ${phase}`);
      break;
    }
    console.log(`Transfer is alive (HTTP ${response.status})`);
  }
} finally {
  const phase = await endTransfer(transferService, done);
  untrack();
  console.log(`Transfer ${phase}`);
  if (phase !== types.ImageTransferPhase.FINISHED_SUCCESS) Deno.exitCode = 1;
}
