/**
 * A bare HTTP/1.1 server on loopback for the tests that need what a real server would never
 * do on purpose: read a whole request and then close the connection without answering, or
 * answer with bytes that are not well-formed HTTP. Each request goes to `answer`, which returns
 * the answer, `{ raw }` bytes to send as they are before closing, or `"drop"`.
 */

/** A request as the raw server saw it. */
export interface RawRequest {
  /** Method, e.g. `POST`. */
  readonly method: string;
  /** Request target, e.g. `/ovirt-engine/api/vms`. */
  readonly path: string;
  /** Header names in lower case. */
  readonly headers: Map<string, string>;
  /** The body. */
  readonly body: string;
  /** How many requests this connection carried before this one. */
  readonly earlierOnConnection: number;
}

/** A running raw server. */
export interface RawServer extends AsyncDisposable {
  /** `http://127.0.0.1:port`. */
  readonly origin: string;
  /** Every request read, in order. */
  readonly requests: RawRequest[];
}

/**
 * An answer of the raw server: status, headers and body; `raw` bytes sent as they are, the
 * connection closed after them; or "drop" the connection.
 */
export type RawAnswer =
  | { status: number; headers?: Record<string, string>; body?: string }
  | { raw: Uint8Array }
  | "drop";

/** Starts a raw server answering each request with `answer(request)`. */
export function startRawServer(answer: (request: RawRequest) => RawAnswer): RawServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const requests: RawRequest[] = [];
  const connections = new Set<Deno.Conn>();
  const serving = (async () => {
    for await (const connection of listener) {
      connections.add(connection);
      serve(connection, requests, answer).finally(() => {
        connections.delete(connection);
        try {
          connection.close();
        } catch { /* already closed */ }
      });
    }
  })();
  return {
    origin: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    requests,
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const connection of connections) {
        try {
          connection.close();
        } catch { /* already closed */ }
      }
      await serving.catch(() => {});
    },
  };
}

async function serve(
  connection: Deno.Conn,
  requests: RawRequest[],
  answer: (request: RawRequest) => RawAnswer,
): Promise<void> {
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(64 * 1024);
  let pending = "";
  let served = 0;
  for (;;) {
    const read = await connection.read(buffer).catch(() => null);
    if (read === null) return;
    pending += decoder.decode(buffer.subarray(0, read));
    for (;;) {
      const end = pending.indexOf("\r\n\r\n");
      if (end < 0) break;
      const [start, ...lines] = pending.slice(0, end).split("\r\n");
      const headers = new Map(lines.map((line) => {
        const colon = line.indexOf(":");
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
      }));
      const length = Number(headers.get("content-length") ?? 0);
      if (pending.length < end + 4 + length) break;
      const [method, path] = start.split(" ");
      const request = {
        method,
        path,
        headers,
        body: pending.slice(end + 4, end + 4 + length),
        earlierOnConnection: served++,
      };
      pending = pending.slice(end + 4 + length);
      requests.push(request);
      const reply = answer(request);
      if (reply === "drop") return;
      if ("raw" in reply) {
        const { raw } = reply;
        try {
          for (let at = 0; at < raw.length;) at += await connection.write(raw.subarray(at));
        } catch { /* the client gave up on the answer first */ }
        return;
      }
      const body = new TextEncoder().encode(reply.body ?? "");
      const head = [
        `HTTP/1.1 ${reply.status} X`,
        `content-length: ${body.byteLength}`,
        ...Object.entries(reply.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
      ].join("\r\n");
      await connection.write(
        new Uint8Array([...new TextEncoder().encode(`${head}\r\n\r\n`), ...body]),
      );
    }
  }
}
