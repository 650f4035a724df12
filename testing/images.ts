/**
 * The image data plane of transfers, served at `/images/{transferId}` like ovirt-imageio:
 * `PUT` with `Content-Range` writes (uploads), `GET` with `Range` reads (downloads),
 * `PATCH` zeroes or flushes, `OPTIONS` lists features. Bodies are streamed chunk by chunk
 * into and out of the sparse image store; nothing is buffered whole.
 *
 * @module
 */

import { ACTIVE_PHASES } from "./behaviours/image_transfers.ts";
import { change } from "./behaviours/lifecycle.ts";
import type { Engine, Reference } from "./engine.ts";

const READ_CHUNK = 256 * 1024;

/** Answers one request to `/images/{transferId}`. */
export async function answerImage(
  engine: Engine,
  request: Request,
  transferId: string,
): Promise<Response> {
  const transfer = engine.store.get("imagetransfers", transferId);
  if (!transfer || !ACTIVE_PHASES.has(transfer.phase as string)) {
    return text(
      403,
      `You are not allowed to access this resource: Ticket ${transferId} not found or not active`,
    );
  }
  const diskId = (transfer.disk as Reference | undefined)?.id ?? "";
  const disk = engine.store.get("disks", diskId);
  if (!disk) return text(404, "The disk of this transfer is gone");
  const size = (disk.provisionedSize as number | undefined) ?? 0;
  const upload = transfer.direction !== "download";
  const count = (bytes: number) => {
    const current = engine.store.get("imagetransfers", transferId);
    if (current) {
      change(engine, "imagetransfers", transferId, {
        transferred: (current.transferred as number) + bytes,
      });
    }
  };
  switch (request.method) {
    case "OPTIONS":
      return Response.json({ features: ["zero", "flush"], max_readers: 8, max_writers: 8 }, {
        headers: { Allow: "OPTIONS,GET,PUT,PATCH" },
      });
    case "PUT":
      if (!upload) return text(403, "This ticket does not allow writing");
      return await write(engine, request, diskId, size, count);
    case "GET":
    case "HEAD":
      if (upload) return text(403, "This ticket does not allow reading");
      return read(engine, request, diskId, size, count);
    case "PATCH":
      if (!upload) return text(403, "This ticket does not allow writing");
      return await patch(engine, request, diskId, size);
    default:
      return new Response(null, { status: 405, headers: { Allow: "OPTIONS,GET,PUT,PATCH" } });
  }
}

async function write(
  engine: Engine,
  request: Request,
  diskId: string,
  size: number,
  count: (bytes: number) => void,
): Promise<Response> {
  const range = request.headers.get("Content-Range");
  const match = range === null ? undefined : /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(range.trim());
  if (range !== null && !match) return text(400, `Invalid Content-Range: ${range}`);
  const start = match ? Number(match[1]) : 0;
  if (match && Number(match[2]) >= size) {
    return text(416, `Range ${range} is beyond the image size ${size}`);
  }
  const image = engine.images.of(diskId);
  let offset = start;
  for await (const chunk of request.body ?? []) {
    if (offset + chunk.length > size) return text(416, `Writing past the image size ${size}`);
    image.write(offset, chunk);
    offset += chunk.length;
    count(chunk.length);
  }
  return new Response(null, { status: 200 });
}

function read(
  engine: Engine,
  request: Request,
  diskId: string,
  size: number,
  count: (bytes: number) => void,
): Response {
  const range = request.headers.get("Range");
  let start = 0;
  let end = size - 1;
  if (range !== null) {
    const match = /^bytes=(\d+)-(\d*)$/.exec(range.trim());
    if (!match || Number(match[1]) >= size) {
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
  if (request.method === "HEAD") return new Response(null, { status, headers });
  const image = engine.images.of(diskId);
  let offset = start;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const length = Math.min(READ_CHUNK, end + 1 - offset);
      controller.enqueue(image.read(offset, length));
      offset += length;
      count(length);
      if (offset > end) controller.close();
    },
  }, { highWaterMark: 0 });
  return new Response(size === 0 ? null : body, { status, headers });
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

function text(status: number, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain;charset=UTF-8" } });
}
