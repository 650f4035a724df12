/**
 * The one road from an unwelcome answer to an error: the class from the status, the
 * server's `<fault>` (or failed `<action>`) when the body is XML, its reason when the body is
 * plain text or a page holding only text, and a hint when the body is not XML at all.
 *
 * @module
 */

import { concatenated, responseReader } from "./body.ts";
import {
  AuthError,
  ConflictError,
  ConnectionError,
  NotFoundError,
  OvirtError,
  type ServerFault,
} from "./errors.ts";
import type { HttpResponse } from "./http.ts";
import { hideValue, redact } from "./redact.ts";
import { serverText } from "./server_text.ts";
import { readXml } from "./xml/read_xml.ts";

/** Where an answer came from, for messages. */
export interface Exchange {
  /** HTTP method of the request. */
  readonly method: string;
  /** URL of the request. */
  readonly url: URL;
}

/** Whether a `Content-Type` value is XML (`application/xml` or `text/xml`, parameters allowed). */
export function isXml(contentType: string | null): boolean {
  // The engine's own spelling, without making three strings to find it out.
  if (contentType?.startsWith("application/xml;") || contentType === "application/xml") {
    return true;
  }
  const media = contentType?.split(";")[0].trim().toLowerCase();
  return media === "application/xml" || media === "text/xml";
}

/** The fault of an XML document: a `<fault>` root, or an `<action>` holding a `fault`. */
export function faultOf(root: string, value: unknown): ServerFault | undefined {
  if (root === "fault") return value as ServerFault;
  if (root === "action") return (value as { fault?: ServerFault } | undefined)?.fault;
  return undefined;
}

/** The error for an answer carrying `fault`, whatever its status. */
export function faultError(
  exchange: Exchange,
  response: HttpResponse,
  fault: ServerFault,
): OvirtError {
  const parts = [fault.reason, fault.detail].filter((part) => typeof part === "string" && part);
  const text = serverText(parts.join(": ")) || "Failed";
  return errorFor(response.status, `${text} (${where(exchange, response)})`, fault);
}

/**
 * The error for an answer whose status is not a success. Reads (a bounded part of) the body,
 * which is consumed afterwards. A plain text body (the engine answers a few refusals so), or
 * the text of an error page holding nothing else (the servlet container's page for the
 * engine's reason, such as why it refused a session), is quoted in the message. A body cut
 * short while read, or that has not arrived within {@link BODY_WAIT} ms (it is then let go),
 * leaves the error of its status, saying so.
 */
export async function responseError(
  exchange: Exchange,
  response: HttpResponse,
): Promise<OvirtError> {
  const contentType = response.headers.get("content-type");
  try {
    return await bodyError(exchange, response, contentType);
  } catch (error) {
    const late = error instanceof BodyLate;
    if (!late && !(error instanceof ConnectionError)) throw error;
    // A plain text body is no sign of a wrong URL (see bodyError): no hint at one.
    const type = isPlainText(contentType) ? null : contentType;
    const note = late
      ? `; the body of the answer had not all arrived after ${BODY_WAIT} ms and was let go`
      : "; the body of the answer was cut short while it was read";
    const message = statusMessage(exchange, response, type) + note;
    return errorFor(response.status, message, undefined, late ? undefined : error);
  }
}

/**
 * Notes that `response`, a 401, refused a token the SSO gave a moment before on `accepted`
 * (such as "the user name and password"): its error says that the SSO accepted them and the
 * API refused the session, instead of asking to check them.
 */
export function refusedAfterLogin(response: HttpResponse, accepted: string): void {
  loginsAccepted.set(response, accepted);
}

/** The answers {@link refusedAfterLogin} noted, with what the SSO had accepted. */
const loginsAccepted = new WeakMap<HttpResponse, string>();

/**
 * Notes that `response` answers a request that carried the SSO token `token`: the server's
 * text quoted in its error (a page or a plain text refusal that repeats the request's headers)
 * shows it hidden.
 */
export function answeredWithToken(response: HttpResponse, token: string): void {
  tokensSent.set(response, token);
}

/** The tokens {@link answeredWithToken} noted. */
const tokensSent = new WeakMap<HttpResponse, string>();

/** The token the request of `response` carried, when {@link answeredWithToken} noted it. */
export function tokenSentWith(response: HttpResponse): string | undefined {
  return tokensSent.get(response);
}

/**
 * `text` of the body of `response`, the token its request carried hidden (an SSO's is long;
 * a few characters given as a token would garble the text instead).
 */
function withoutToken(response: HttpResponse, text: string): string {
  const token = tokensSent.get(response);
  return token === undefined || token.length < 12 ? text : hideValue(text, token);
}

/** {@link responseError} once the body is read (or let go). */
async function bodyError(
  exchange: Exchange,
  response: HttpResponse,
  contentType: string | null,
): Promise<OvirtError> {
  if (isPlainText(contentType)) {
    const bytes = await bodyBytes(response, PLAIN_TEXT_LIMIT);
    const text = withoutToken(response, new TextDecoder().decode(bytes));
    return errorFor(response.status, statusMessage(exchange, response, null, text));
  }
  if (isHtml(contentType) && response.status >= 400) {
    const page = await bodyBytes(response, PAGE_LIMIT);
    const text = page.byteLength < PAGE_LIMIT
      ? withoutToken(response, pageText(new TextDecoder().decode(page)))
      : "";
    const reason = text.toLowerCase() === response.statusText.toLowerCase() ? "" : text;
    return errorFor(response.status, statusMessage(exchange, response, contentType, reason));
  }
  if (!isXml(contentType)) {
    await response.body.cancel();
    return errorFor(response.status, statusMessage(exchange, response, contentType));
  }
  const bytes = await bodyBytes(response, FAULT_LIMIT);
  const fault = bytes.byteLength > 0 ? parsedFault(bytes) : undefined;
  if (fault) return faultError(exchange, response, fault);
  return errorFor(response.status, statusMessage(exchange, response, contentType));
}

/**
 * Up to `limit` bytes of the body of `response`, the rest let go; throws {@link BodyLate}
 * (the body let go) when they have not all arrived within {@link BODY_WAIT} ms. The body is
 * read only to quote it: a page sent slowly, or a connection that died without a word, must
 * not keep the status from the caller.
 */
async function bodyBytes(response: HttpResponse, limit: number): Promise<Uint8Array> {
  const reader = responseReader(response);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => timer = setTimeout(resolve, BODY_WAIT, "late"));
  const chunks: Uint8Array[] = [];
  try {
    for (let length = 0; length < limit;) {
      const chunk = await Promise.race([reader.read(), late]);
      if (chunk === "late") {
        reader.cancel().catch(() => {});
        throw new BodyLate();
      }
      if (chunk.done) return concatenated(chunks);
      chunks.push(chunk.value);
      length += chunk.value.byteLength;
    }
  } finally {
    clearTimeout(timer);
  }
  await reader.cancel();
  return concatenated(chunks).subarray(0, limit);
}

/** What {@link bodyBytes} throws when the body has not arrived in time. */
class BodyLate extends Error {}

/**
 * How long an error answer's body is waited for, in ms: it only adds the server's words to
 * the error its status makes.
 */
const BODY_WAIT = 2_000;

/**
 * The error for a successful status whose body is not the XML the method expects, such as
 * the HTML page of a proxy or of a URL that is not the API.
 */
export function notXmlError(exchange: Exchange, response: HttpResponse): OvirtError {
  return new OvirtError(
    `${where(exchange, response)} answered with ${
      describeType(response.headers.get("content-type"))
    }` +
      `, not the XML of the oVirt API; ${URL_HINT}`,
    { code: response.status },
  );
}

/**
 * How much of an XML error body is read: a `<fault>` whose detail lists many objects may pass
 * a MiB; past this, the fault is not read (its reason neither).
 */
const FAULT_LIMIT = 8 << 20;

/** How much of a plain text error body is read. */
const PLAIN_TEXT_LIMIT = 64 * 1024;

/** How much of an HTML error page is read: a longer one is not the servlet container's. */
const PAGE_LIMIT = 16 * 1024;

/** Whether a `Content-Type` value is `text/plain`. */
function isPlainText(contentType: string | null): boolean {
  return contentType?.split(";")[0].trim().toLowerCase() === "text/plain";
}

/** Whether a `Content-Type` value is `text/html`. */
function isHtml(contentType: string | null): boolean {
  return contentType?.split(";")[0].trim().toLowerCase() === "text/html";
}

/**
 * The text of an HTML page whose `<body>` holds text and no markup, as the servlet container
 * writes the reason the engine gives a refusal; empty for any other page.
 */
function pageText(html: string): string {
  const body = /<body(?:\s[^>]*)?>([^<]*)<\/body\s*>/i.exec(html);
  return body ? unescapedHtml(body[1]).trim() : "";
}

/** `text` with HTML's character references replaced by their characters. */
function unescapedHtml(text: string): string {
  return text.replace(/&(#\d{1,7}|#x[\da-f]{1,6}|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== "#") return NAMED.get(name.toLowerCase()) ?? whole;
    const code = name[1] === "x" || name[1] === "X"
      ? parseInt(name.slice(2), 16)
      : parseInt(name.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** The named character references an error page uses. */
const NAMED: ReadonlyMap<string, string> = new Map([
  ["amp", "&"],
  ["lt", "<"],
  ["gt", ">"],
  ["quot", '"'],
  ["apos", "'"],
  ["nbsp", "\u00a0"],
]);

const URL_HINT = "check that the connection URL is the API root, usually " +
  "https://<engine host>/ovirt-engine/api";

function parsedFault(bytes: Uint8Array): ServerFault | undefined {
  try {
    const document = readXml(bytes);
    return faultOf(document.root, document.value);
  } catch {
    return undefined;
  }
}

/**
 * The message for an answer without a fault: what the status means, `said` (text the server
 * wrote as its reason) quoted, and a hint where one helps.
 */
function statusMessage(
  exchange: Exchange,
  response: HttpResponse,
  contentType: string | null,
  said = "",
): string {
  const status = where(exchange, response);
  const quoted = said.trim() ? `: ${redact(serverText(said.trim()))}` : "";
  if (response.status === 401) {
    const accepted = loginsAccepted.get(response);
    return accepted === undefined
      ? `Not authorized (${status}): check the user name and password or the token${quoted}`
      : `Not authorized (${status}): the SSO accepted ${accepted}, but the API refused the ` +
        "session (the user may not be allowed to log in, or may have too many sessions)" +
        quoted;
  }
  if (response.status === 403) {
    // The credentials were taken: what is missing is a permission (or a proxy's consent).
    return `Forbidden (${status}): the user may not do this (check its roles and ` +
      "permissions on the object), or a proxy in front of the engine refused the request" +
      quoted;
  }
  if (response.status >= 502 && response.status <= 504) {
    return `Unavailable (${status}): the engine, or a proxy in front of it, cannot answer ` +
      `now; it may be starting${quoted}`;
  }
  if (response.status >= 300 && response.status <= 399) {
    // Redirects are not followed: the usual one is the engine's web server sending a URL
    // without /ovirt-engine/api to its welcome page.
    const location = response.headers.get("location");
    return `Redirected (${status})${location ? ` to ${shownLocation(location)}` : ""}, ` +
      `which is not followed; ${URL_HINT}`;
  }
  if (contentType === null || isXml(contentType)) return `Request failed (${status})${quoted}`;
  const answer = `Request failed (${status}): the answer is ${describeType(contentType)}, not XML`;
  // A server error is the server's own trouble (the engine answers some with an HTML page),
  // not a wrong URL.
  if (response.status >= 500) return `${answer}${quoted}`;
  return `${answer}${quoted}; ${URL_HINT}`;
}

/**
 * The `Location` of a redirect as a message may show it: without its query and fragment,
 * which may carry a login's state or a ticket.
 */
export function shownLocation(location: string): string {
  const end = location.search(/[?#]/);
  return serverText(end < 0 ? location : `${location.slice(0, end)}?...`, 200);
}

function errorFor(
  status: number,
  message: string,
  fault?: ServerFault,
  cause?: unknown,
): OvirtError {
  const options = { code: status, fault, cause };
  if (status === 401 || status === 403) return new AuthError(message, options);
  if (status === 404) return new NotFoundError(message, options);
  if (status === 409) return new ConflictError(message, options);
  return new OvirtError(message, options);
}

function where(exchange: Exchange, response: HttpResponse): string {
  const reason = response.statusText ? ` ${serverText(response.statusText, 100)}` : "";
  return `HTTP ${response.status}${reason} from ${exchange.method} ` +
    `${exchange.url.origin}${exchange.url.pathname}`;
}

function describeType(contentType: string | null): string {
  return contentType
    ? `a ${serverText(contentType.split(";")[0].trim(), 100)} body`
    : "a body of unknown type";
}
