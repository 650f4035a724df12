/**
 * A forward proxy on loopback for the proxy tests: plain requests in absolute form are
 * passed on, `CONNECT` opens a tunnel. It records what it carried.
 */

import http from "node:http";
import net from "node:net";

/** A running forward proxy. */
export interface ForwardProxy extends AsyncDisposable {
  /** `http://127.0.0.1:port`. */
  readonly url: string;
  /** Targets of the plain requests passed on (absolute URLs). */
  readonly forwarded: string[];
  /** Targets of the tunnels opened (`host:port`). */
  readonly tunnels: string[];
  /** `Proxy-Authorization` values received. */
  readonly authorizations: string[];
}

/** Starts a forward proxy on a free loopback port. */
export async function startForwardProxy(): Promise<ForwardProxy> {
  const forwarded: string[] = [];
  const tunnels: string[] = [];
  const authorizations: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((request, response) => {
    forwarded.push(request.url ?? "");
    const auth = request.headers["proxy-authorization"];
    if (typeof auth === "string") authorizations.push(auth);
    const target = new URL(request.url ?? "");
    const upstream = http.request(target, {
      method: request.method,
      headers: { ...request.headers, host: target.host },
    }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on("error", () => response.destroy());
    request.pipe(upstream);
  });
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("connect", (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(request.url ?? "");
    const auth = request.headers["proxy-authorization"];
    if (typeof auth === "string") authorizations.push(auth);
    const [host, port] = (request.url ?? "").split(":");
    const upstream = net.connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    tunnels,
    authorizations,
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
