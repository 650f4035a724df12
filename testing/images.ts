/**
 * The image data plane of transfers, served at `/images/{ticket}` like ovirt-imageio: `OPTIONS`
 * lists the features (`extents`, `zero`, `flush`) and how many connections may read or write at
 * once, `PUT` with `Content-Range` writes (a body without `Content-Length`, sent chunked, is
 * refused with 400, as imageio does), `GET` with `Range` reads, `PATCH` zeroes (`{"op":"zero"}`) or
 * flushes (`{"op":"flush"}`), `GET .../extents` tells data from zero areas, `GET .../checksum`
 * computes the image's checksum as imageio does (the digest of the digests of its blocks; SHA
 * algorithms only, no `blake2b`), `GET .../checksum/algorithms` lists them (without checking the
 * ticket, as imageio does). A legacy daemon (the `legacyDaemon` quirk) has none of these: it takes
 * what follows `/images/` for the ticket id, and refuses it (403). An upload ticket may also read
 * (imageio's "write" implies "read"); a download ticket may not write. Each request, and each chunk
 * of a body, is activity on the ticket; a transfer idle longer than its `inactivity_timeout` is
 * stopped (`transfer_inactivity.ts`). Bodies are streamed chunk by chunk into and out of the sparse
 * image store; nothing is buffered whole. What a ticket reads depends on the transfer's format and
 * its disk's (`transfer_volume.ts`). Once the engine stops a transfer, the daemon refuses its
 * ticket (403), and a body in progress is cut off at its next chunk, as imageio does with a
 * cancelled ticket.
 *
 * @module
 */

import { TICKET, transferShape } from "./behaviours/image_transfers.ts";
import { ACTIVE_PHASES, stopTransfer } from "./behaviours/transfer_ends.ts";
import { LAST_ACTIVITY, requestBegins, stopIfIdle } from "./transfer_inactivity.ts";
import { change } from "./behaviours/lifecycle.ts";
import type { Engine, Reference } from "./engine.ts";
import type { ImageBytes } from "./image_store.ts";
import { volumeOf } from "./transfer_volume.ts";

const READ_CHUNK = 256 * 1024;

/** Checksum algorithms by imageio name, with their Web Crypto names. */
const CHECKSUM_ALGORITHMS: Record<string, string> = {
  sha1: "SHA-1",
  sha256: "SHA-256",
  sha384: "SHA-384",
  sha512: "SHA-512",
};

/** imageio's default checksum block size. */
const CHECKSUM_BLOCK = 4 * 1024 * 1024;

/** Answers one request to `/images/{ticket}` or below (`/images/{ticket}/checksum`). */
export async function answerImage(
  engine: Engine,
  request: Request,
  resource: string,
): Promise<Response> {
  const [ticketId, ...below] = resource.split("/");
  const subresource = below.join("/");
  const { quirks } = engine.images;
  if (quirks.legacyDaemon && subresource !== "") {
    // An old daemon routes all of `/images/(.*)` to its images handler: the rest of the
    // path is taken for part of the ticket id, which no ticket has (no checksum, extents...).
    await request.body?.cancel();
    return text(
      403,
      `You are not allowed to access this resource: Ticket ${resource} not found or not active`,
    );
  }
  if (subresource === "checksum/algorithms") {
    // Server information: imageio asks for no ticket here (any ticket id answers).
    return Response.json({ algorithms: Object.keys(CHECKSUM_ALGORITHMS) });
  }
  const known = ["", "checksum", "extents"];
  if (!known.includes(subresource)) return text(404, "No such resource");
  let transfer = engine.store.find("imagetransfers", (entity) => entity[TICKET] === ticketId);
  const transferId = transfer?.id ?? "";
  const touch = () => change(engine, "imagetransfers", transferId, { [LAST_ACTIVITY]: Date.now() });
  if (transfer && !stopIfIdle(engine, transferId)) touch();
  transfer = engine.store.get("imagetransfers", transferId);
  if (!transfer || !ACTIVE_PHASES.has(transfer.phase as string)) {
    return text(
      403,
      `You are not allowed to access this resource: Ticket ${ticketId} not found or not active`,
    );
  }
  const diskId = (transfer.disk as Reference | undefined)?.id ?? "";
  const disk = engine.store.get("disks", diskId);
  if (!disk) return text(404, "The disk of this transfer is gone");
  // A transfer of a disk snapshot reads the bytes its layer froze.
  const { bytes, size } = volumeOf(engine, disk, transferShape(transfer, disk));
  const upload = transfer.direction !== "download";
  const count = (bytes: number) => {
    const current = engine.store.get("imagetransfers", transferId);
    if (!current) return;
    const transferred = (current.transferred as number) + bytes;
    change(engine, "imagetransfers", transferId, { transferred, [LAST_ACTIVITY]: Date.now() });
    if (quirks.pauseAfterBytes !== undefined && transferred >= quirks.pauseAfterBytes) {
      stopTransfer(
        engine,
        transferId,
        "paused_system",
        quirks.pauseReason ?? "Failed to renew the transfer ticket",
      );
    }
    if (quirks.stopAfterBytes !== undefined && transferred >= quirks.stopAfterBytes) {
      stopTransfer(
        engine,
        transferId,
        quirks.stopAs ?? "cancelled_system",
        quirks.stopReason ?? "the host is not responding",
      );
    }
  };
  const active = () =>
    ACTIVE_PHASES.has(engine.store.get("imagetransfers", transferId)?.phase as string);
  const allow = quirks.legacyDaemon ? "GET,PUT" : upload ? "OPTIONS,GET,PUT,PATCH" : "OPTIONS,GET";
  if (subresource !== "") {
    if (request.method !== "GET") {
      return new Response(null, { status: 405, headers: { Allow: "GET" } });
    }
    if (subresource === "extents") return extents(request, bytes, size);
    return await checksum(request, bytes, size);
  }
  // In progress (never idle) until its answer's body is sent, or the request's is read.
  const finished = requestBegins(engine, transferId);
  const ticket = { diskId, bytes, size, upload, count, touch, active, allow, finished };
  let answer: Response;
  try {
    answer = await answerData(engine, request, ticket);
  } finally {
    if (request.method !== "GET") finished();
  }
  const { traffic } = engine.images;
  const isData = ["PUT", "PATCH", "GET"].includes(request.method) && answer.ok;
  if (isData && quirks.cutEvery && ++traffic.dataRequests % quirks.cutEvery === 0) {
    return await cutShort(answer, quirks.cutAfter);
  }
  return answer;
}

/** What the ticket's resource answers to `request` (`OPTIONS`, `PUT`, `GET`, `PATCH`). */
async function answerData(
  engine: Engine,
  request: Request,
  ticket: {
    diskId: string;
    /** What the ticket reads (see `transfer_volume.ts`); writes go to the disk's image. */
    bytes: ImageBytes;
    size: number;
    upload: boolean;
    count: (bytes: number) => void;
    /** Notes activity on the ticket (a read by an upload ticket moves no transfer bytes). */
    touch: () => void;
    /** Whether the transfer is still active (a body in progress is cut off once it is not). */
    active: () => boolean;
    allow: string;
    /** Ends the request's time in progress (a `GET`'s once its body is sent or given up). */
    finished: () => void;
  },
): Promise<Response> {
  const { diskId, bytes, size, upload, count, touch, active, allow, finished } = ticket;
  const { quirks } = engine.images;
  switch (request.method) {
    case "OPTIONS":
      if (quirks.legacyDaemon) break;
      return Response.json({
        features: upload ? ["extents", "zero", "flush"] : ["extents"],
        max_readers: 8,
        max_writers: upload ? 8 : 1,
      }, { headers: { Allow: allow } });
    case "PUT":
      if (!upload) return text(403, "This ticket does not allow writing");
      return await write(engine, request, diskId, size, { count, active });
    case "GET":
    case "HEAD":
      return read(request, bytes, size, { count: upload ? touch : count, active, finished });
    case "PATCH":
      if (quirks.legacyDaemon) break;
      if (!upload) return text(403, "This ticket does not allow writing");
      return await patch(engine, request, diskId, size);
  }
  return new Response(null, { status: 405, headers: { Allow: allow } });
}

/**
 * `response` with its connection cut part-way: its first `sent` bytes (by default half of
 * its first chunk) go out under a `Content-Length` promising more, then the body ends (the
 * client sees a network error after the daemon did its work).
 */
async function cutShort(response: Response, sent?: number): Promise<Response> {
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let read = 0;
  do {
    const chunk = await reader?.read();
    if (!chunk || chunk.done) break;
    chunks.push(chunk.value);
    read += chunk.value.byteLength;
  } while (sent !== undefined && read < sent);
  await reader?.cancel();
  let left = Math.min(sent ?? Math.floor(read / 2), read);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) {
        if (left > 0) controller.enqueue(chunk.subarray(0, left));
        left -= Math.min(left, chunk.byteLength);
      }
      controller.close();
    },
  });
  const headers = new Headers(response.headers);
  headers.set("Content-Length", String(read + 1));
  return new Response(body, { status: response.status, headers });
}

/** `GET .../extents`: the zero extents (`context=zero`, the default); dirty ones need a backup. */
function extents(request: Request, bytes: ImageBytes, size: number): Response {
  const context = new URL(request.url).searchParams.get("context") ?? "zero";
  if (context === "dirty") {
    return text(404, "Dirty extents are only known during an incremental backup");
  }
  if (context !== "zero") return text(400, `Invalid context: ${context}`);
  const found = bytes.extents(size);
  return Response.json(found.map((extent) => ({ ...extent, hole: false })));
}

async function write(
  engine: Engine,
  request: Request,
  diskId: string,
  size: number,
  { count, active }: { count: (bytes: number) => void; active: () => boolean },
): Promise<Response> {
  // imageio reads exactly Content-Length bytes and refuses a body without it (chunked).
  if (request.headers.get("Content-Length") === null) {
    await request.body?.cancel();
    return text(400, "Content-Length header is required");
  }
  const range = request.headers.get("Content-Range");
  const match = range === null ? undefined : /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(range.trim());
  if (range !== null && !match) return text(400, `Invalid Content-Range: ${range}`);
  const start = match ? Number(match[1]) : 0;
  if (match && Number(match[2]) >= size) {
    return text(416, `Range ${range} is beyond the image size ${size}`);
  }
  const image = engine.images.of(diskId);
  const { corruptAt } = engine.images.quirks;
  let offset = start;
  for await (const chunk of request.body ?? []) {
    if (offset + chunk.length > size) return text(416, `Writing past the image size ${size}`);
    if (!active()) return text(403, "The transfer was stopped: its ticket is no longer valid");
    if (corruptAt !== undefined && corruptAt >= offset && corruptAt < offset + chunk.length) {
      chunk[corruptAt - offset] ^= 0xff;
    }
    engine.images.traffic.bytesWritten += chunk.length;
    image.write(offset, chunk);
    offset += chunk.length;
    count(chunk.length);
  }
  if (match && offset !== Number(match[2]) + 1) {
    return text(
      400,
      `Content-Range ${range} announced ${Number(match[2]) + 1 - start} bytes, got ${
        offset - start
      }`,
    );
  }
  return new Response(null, { status: 200 });
}

function read(
  request: Request,
  image: ImageBytes,
  size: number,
  { count, active, finished }: {
    count: (bytes: number) => void;
    active: () => boolean;
    finished: () => void;
  },
): Response {
  const range = request.headers.get("Range");
  let start = 0;
  let end = size - 1;
  if (range !== null) {
    const match = /^bytes=(\d+)-(\d*)$/.exec(range.trim());
    if (!match || Number(match[1]) >= size) {
      finished();
      return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${size}` } });
    }
    start = Number(match[1]);
    if (match[2] !== "") end = Math.min(Number(match[2]), size - 1);
  }
  const headers: Record<string, string> = {
    "Content-Type": "application/octet-stream",
    "Content-Length": String(end - start + 1),
  };
  if (range !== null) headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
  const status = range === null ? 200 : 206;
  if (request.method === "HEAD" || size === 0) {
    finished();
    return new Response(null, { status, headers });
  }
  let offset = start;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!active()) { // short of Content-Length: the client sees a cut
        finished();
        return controller.close();
      }
      const length = Math.min(READ_CHUNK, end + 1 - offset);
      controller.enqueue(image.read(offset, length));
      offset += length;
      count(length);
      if (offset > end) {
        finished();
        controller.close();
      }
    },
    cancel: finished,
  }, { highWaterMark: 0 });
  return new Response(body, { status, headers });
}

async function patch(
  engine: Engine,
  request: Request,
  diskId: string,
  size: number,
): Promise<Response> {
  let operation: { op?: string; offset?: number; size?: number };
  try {
    operation = await request.json();
  } catch {
    return text(400, "The body is not JSON");
  }
  if (operation.op === "flush") return new Response(null, { status: 200 });
  if (operation.op !== "zero") return text(400, `Unknown operation ${operation.op}`);
  const offset = operation.offset ?? 0;
  const length = operation.size ?? size - offset;
  if (offset + length > size) return text(416, `Zeroing past the image size ${size}`);
  engine.images.of(diskId).zero(offset, length);
  return new Response(null, { status: 200 });
}

/**
 * The checksum of the image: each block of `block_size` bytes is hashed, and the block
 * digests are hashed in turn; unallocated blocks hash as zeros without being read.
 */
async function checksum(
  request: Request,
  image: ImageBytes,
  size: number,
): Promise<Response> {
  const query = new URL(request.url).searchParams;
  const algorithm = query.get("algorithm") ?? "blake2b";
  const hash = CHECKSUM_ALGORITHMS[algorithm];
  if (!hash) {
    const known = Object.keys(CHECKSUM_ALGORITHMS).join(", ");
    return text(400, `Unsupported algorithm ${algorithm} (the simulator has ${known})`);
  }
  const blockSize = Number(query.get("block_size") ?? CHECKSUM_BLOCK);
  if (
    !Number.isInteger(blockSize) || blockSize < CHECKSUM_BLOCK / 4 ||
    blockSize > CHECKSUM_BLOCK * 4 || blockSize % 4096 !== 0
  ) {
    return text(400, `Invalid block size: ${query.get("block_size")}`);
  }
  const zeroDigests = new Map<number, Uint8Array>();
  const digest = async (bytes: Uint8Array<ArrayBuffer>) =>
    new Uint8Array(await crypto.subtle.digest(hash, bytes));
  const digests: Uint8Array[] = [];
  for (let offset = 0; offset < size; offset += blockSize) {
    const length = Math.min(blockSize, size - offset);
    if (image.allocatedIn(offset, length)) {
      digests.push(await digest(image.read(offset, length) as Uint8Array<ArrayBuffer>));
    } else {
      let zero = zeroDigests.get(length);
      if (!zero) zeroDigests.set(length, zero = await digest(new Uint8Array(length)));
      digests.push(zero);
    }
  }
  const all = new Uint8Array(digests.reduce((sum, item) => sum + item.length, 0));
  digests.reduce((at, item) => (all.set(item, at), at + item.length), 0);
  const sum = Array.from(await digest(all), (byte) => byte.toString(16).padStart(2, "0")).join("");
  return Response.json({ algorithm, block_size: blockSize, checksum: sum });
}

function text(status: number, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain;charset=UTF-8" } });
}
