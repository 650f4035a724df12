/**
 * `startSimulator`: an engine simulator on loopback, plain HTTP or HTTPS, speaking the
 * SSO, the whole REST API of the model and the image transfer data plane.
 *
 * @module
 */

import { writeStruct } from "../transport/xml/writer.ts";
import { AddLedger } from "./add_ledger.ts";
import { answerApi } from "./api.ts";
import { Refusal, refusalAnswer, xmlAnswer } from "./answers.ts";
import { LOGOUT_PATH, Sso, TOKEN_HTTP_AUTH_PATH, TOKEN_PATH, unauthorized } from "./auth.ts";
import { type Change, changeOf } from "./changes.ts";
import { givenCorrelationId } from "./correlation.ts";
import { Engine } from "./engine.ts";
import { type FaultOptions, Faults } from "./faults.ts";
import { Front } from "./front.ts";
import { GssAcceptor } from "./gss_acceptor.ts";
import { answerImage } from "./images.ts";
import { API_PREFIX } from "./model.ts";
import { readBody } from "./request_body.ts";
import { seed } from "./seed.ts";
import {
  checkFaultOptions,
  checkSimulatorOptions,
  checkTransferQuirks,
  type SimulatorOptions,
} from "./simulator_options.ts";

export type { SimulatorOptions } from "./simulator_options.ts";
import { createTlsMaterial, type TlsMaterial } from "./tls.ts";
import { closedPort, type ImageTraffic, type TransferQuirks } from "./transfer_quirks.ts";
import { ENGINE_JOB_RETENTION } from "./job_retention.ts";

/** A running simulator. */
export interface Simulator extends AsyncDisposable {
  /** The API root URL, ending in `/ovirt-engine/api`. */
  readonly url: string;
  /** The user to log in as. */
  readonly username: string;
  /** Its password. */
  readonly password: string;
  /** The CA certificate (PEM) to trust, when serving HTTPS. */
  readonly caCert?: string;
  /**
   * When serving HTTPS, the CA certificate, the server certificate and its private key (PEM)
   * it serves with: `startSimulator({ tls: sim.tls, port })` restarts it as the same engine.
   */
  readonly tls?: TlsMaterial;
  /** How many API requests arrived (SSO and image traffic not included). */
  readonly requestCount: number;
  /** How many SSO tokens were issued. */
  readonly loginCount: number;
  /**
   * How many `add` requests reached the engine with the same collection and body as an
   * earlier one: a client that sent an add twice (0 for a careful client).
   */
  readonly duplicatedAdds: number;
  /** How many `add` requests naming `name` reached the engine, whatever their outcome. */
  addCount(name: string): number;
  /** Revokes every token issued so far (as expiry or a logout elsewhere would). */
  revokeTokens(): void;
  /** Changes fault injection while running (`undefined` values switch a fault off). */
  setFaults(faults: FaultOptions): void;
  /** What the image daemon has seen (requests by method, most at once, bytes written). */
  readonly imageTraffic: ImageTraffic;
  /**
   * Replaces the image transfer quirks while running (`{}`: behave like a current engine); a
   * quirk that is not one, or a value that makes no sense, is refused with a `RangeError`.
   */
  setTransferQuirks(quirks: TransferQuirks): void;
  /** Stops the server (stalled answers and requests waiting out a `latency` are ended first). */
  close(): Promise<void>;
}

const IMAGES_PREFIX = "/images/";

/** Starts a simulator with `options`; resolves once it is listening. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  checkSimulatorOptions(options);
  const seedValue = options.seed ?? 1;
  const engine = new Engine(options.delay ?? 100, seedValue);
  seed(engine, { empty: options.empty ?? false, vms: options.vms ?? 20 });
  engine.images.quirks = { ...options.transfers };
  engine.images.deadPort = closedPort();
  engine.jobRetention = {
    finished: options.finishedJobsKept ?? ENGINE_JOB_RETENTION.finished,
    failed: options.failedJobsKept ?? ENGINE_JOB_RETENTION.failed,
  };
  const username = options.username ?? "admin@internal";
  engine.loginName = username;
  const password = options.password ?? randomPassword();
  // Made before the acceptor opens, so that a failure here leaves nothing open.
  const tls = options.tls === true ? await createTlsMaterial() : copyOf(options.tls || undefined);
  const acceptor = options.keytab === undefined ? undefined : GssAcceptor.open(options.keytab);
  const sso = new Sso({
    username,
    password,
    tokenLifetime: options.tokenLifetime,
    errorShape: options.ssoErrorShape ?? "description",
    acceptor,
  });
  const faults = new Faults(options, seedValue ^ 0x5eed);
  engine.jobFails = () => faults.failJob();
  const adds = new AddLedger();
  let requestCount = 0;
  let imagesInFlight = 0;

  /** `ids.correlationId` gets a random id when the request reaches the engine without one. */
  const answer = async (
    request: Request,
    innerPort: number,
    ids: { correlationId?: string },
  ): Promise<Response> => {
    const url = new URL(request.url);
    if (tls) url.protocol = "https:"; // the inner server speaks plain HTTP behind the front
    const path = url.pathname;
    if (path === TOKEN_PATH) return await sso.token(request);
    if (path === TOKEN_HTTP_AUTH_PATH) return await sso.negotiate(request);
    if (path === LOGOUT_PATH) return await sso.logout(request);
    if (path.startsWith(IMAGES_PREFIX)) {
      engine.clock.advance();
      const { traffic } = engine.images;
      traffic.requests[request.method] = (traffic.requests[request.method] ?? 0) + 1;
      traffic.maxInFlight = Math.max(traffic.maxInFlight, ++imagesInFlight);
      try {
        return await answerImage(
          engine,
          request,
          decodeURIComponent(path.slice(IMAGES_PREFIX.length)),
        );
      } finally {
        imagesInFlight--;
      }
    }
    if (path !== API_PREFIX && !path.startsWith(API_PREFIX + "/")) {
      return new Response("Not Found", { status: 404 });
    }
    requestCount++;
    const change = changeOf(request.method, apiSegments(path));
    const faulty = {
      method: request.method,
      change,
      signal: front.signalOf(innerPort),
      drop: () => front.drop(innerPort),
    };
    return await faults.apply(faulty, async () => {
      if (!sso.authorized(request)) return unauthorized();
      const version = request.headers.get("Version");
      if (version !== null && version.trim() !== "4") return new Response(null, { status: 400 });
      // An add's body is read here to note it (not with request.clone(): it reads the signal).
      const read = change?.kind === "add" ? await recordAdd(adds, change, request) : request;
      engine.clock.advance();
      ids.correlationId ??= engine.jobRandom.uuid();
      const response = await answerApi(engine, read, url, ids.correlationId);
      return request.method === "HEAD" ? new Response(null, response) : response;
    });
  };

  const handler = async (request: Request, info: Deno.ServeHandlerInfo): Promise<Response> => {
    // The client's id, header or query form, cleaned as the engine keeps it; a random one
    // for a request that reached the engine without one. The answer carries it, as the
    // engine's does.
    const ids = { correlationId: givenCorrelationId(request, new URL(request.url)) };
    let response: Response;
    try {
      response = await answer(request, (info.remoteAddr as Deno.NetAddr).port, ids);
    } catch (error) {
      response = error instanceof Refusal
        ? refusalAnswer(error)
        : internalError(error, options.log);
    }
    if (ids.correlationId && !response.headers.has("Correlation-Id")) {
      response = withHeader(response, "Correlation-Id", ids.correlationId);
    }
    options.log?.(
      `${request.method} ${loggedPath(new URL(request.url).pathname)} ${response.status}`,
    );
    return response;
  };

  // The server listens on an inner port; clients reach it through the front, which can
  // close a connection without an answer (see front.ts).
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  let front: Front;
  try {
    front = new Front({
      port: options.port ?? 0,
      target: server.addr.port,
      ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}),
    });
  } catch (error) {
    // A failed start leaves nothing running that would keep the process alive.
    await server.shutdown();
    acceptor?.close();
    throw error instanceof Deno.errors.AddrInUse
      ? new Deno.errors.AddrInUse(`The simulator's port ${options.port} is in use`, {
        cause: error,
      })
      : error;
  }
  const origin = `${tls ? "https" : "http"}://127.0.0.1:${front.port}`;
  // Over plain HTTP, `transfer_url` reaches the server directly, as a host's daemon is
  // reached without the engine: image bytes skip the front (its faults are for the API).
  if (!tls) engine.images.daemonOrigin = `http://127.0.0.1:${server.addr.port}`;
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      faults.close();
      await front.close();
      await server.shutdown();
      acceptor?.close();
    })();
  return {
    url: origin + API_PREFIX,
    username,
    password,
    caCert: tls?.caCert,
    tls,
    get requestCount() {
      return requestCount;
    },
    get loginCount() {
      return sso.logins;
    },
    get duplicatedAdds() {
      return adds.duplicates;
    },
    addCount: (name) => adds.count(name),
    revokeTokens: () => sso.revokeAll(),
    setFaults: (changes) => {
      checkFaultOptions(changes);
      faults.set(changes);
    },
    imageTraffic: engine.images.traffic,
    setTransferQuirks: (quirks) => {
      checkTransferQuirks(quirks);
      engine.images.quirks = { ...quirks };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * `path` as the log shows it: an image transfer's path names its ticket, a credential, so it
 * is hidden as the SDK's debug log hides it.
 */
function loggedPath(path: string): string {
  return path.startsWith(IMAGES_PREFIX) ? "/[transfer path hidden]" : path;
}

/** A frozen copy of the TLS material `given` (so that a change to it changes nothing here). */
function copyOf(given: TlsMaterial | undefined): TlsMaterial | undefined {
  return given && Object.freeze({ caCert: given.caCert, cert: given.cert, key: given.key });
}

/** Decoded path segments below the API root (the `/v4` prefix dropped); [] if undecodable. */
function apiSegments(path: string): string[] {
  const raw = path.slice(API_PREFIX.length).split("/").filter((segment) => segment !== "");
  if (raw[0] === "v4") raw.shift();
  try {
    return raw.map(decodeURIComponent);
  } catch {
    return [];
  }
}

/**
 * Notes an add in the ledger, with the name its body gives, if it can be read; returns a
 * request with the same body for the API to read.
 */
async function recordAdd(adds: AddLedger, change: Change, request: Request): Promise<Request> {
  const bytes = await request.bytes();
  let name: string | undefined;
  try {
    const body = change.bodyType ? readBody(bytes, { type: change.bodyType }) : {};
    if (typeof body.name === "string") name = body.name;
  } catch {
    // The engine refuses the body; it still reached the engine.
  }
  adds.record(change.object, bytes, name);
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: bytes,
  });
}

/**
 * `response` with header `name` set. A new answer rather than a change of its headers: Deno
 * sends a body whose stream was looked at (as the faults do) chunked once its headers are
 * changed, without the `Content-Length` the engine sends.
 */
function withHeader(response: Response, name: string, value: string): Response {
  const headers = new Headers(response.headers);
  headers.set(name, value);
  const { status, statusText } = response;
  return new Response(response.body, { status, statusText, headers });
}

/** A 500 answer for a simulator bug: the engine's shape, the cause in the log only. */
function internalError(error: unknown, log?: (line: string) => void): Response {
  log?.(`Internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  const fault = { reason: "Operation Failed", detail: `[Internal Engine Error: ${String(error)}]` };
  return xmlAnswer(500, writeStruct("Fault", fault));
}

function randomPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, "x");
}
