/**
 * Checks of what users pass in: connection options and per-call options. Every bad value is
 * refused when the connection or the call is made, with an {@link OvirtError} naming the
 * option, instead of surfacing later as a `TypeError` or `RangeError` from deep inside.
 *
 * @module
 */

import { OvirtError } from "./errors.ts";

/** The longest timer Deno supports (about 24.8 days). */
export const MAX_MILLISECONDS = 2 ** 31 - 1;

/**
 * Milliseconds a kept-alive connection to the engine may sit unused before it is closed
 * rather than used again: a NAT or firewall on the way forgets a quiet connection without
 * a word (after a minute for some), and a request sent on it would then wait for an answer
 * that never comes. Opening a new connection costs a handshake.
 */
export const IDLE_CONNECTION_LIMIT = 30_000;

/** An RFC 9110 token: what a header name may be made of. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** What a header value may not contain: control characters other than tab, and non-Latin-1. */
// deno-lint-ignore no-control-regex
const BAD_HEADER_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f]|[^\u0000-\u00ff]/;

/** Refuses anything but a string. */
export function checkString(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== "string") {
    throw new OvirtError(`The ${option} option must be a string, not ${typeName(value)}`);
  }
}

/** What an SSO token may be made of: visible ASCII, as `Authorization: Bearer` carries it. */
const TOKEN_TEXT = /^[\x21-\x7e]+$/;

/** Whether `token` can be sent as a bearer token (no spaces, controls or other letters). */
export function isSendableToken(token: string): boolean {
  return TOKEN_TEXT.test(token);
}

/** Refuses a token that cannot be sent in a header, without quoting it. */
export function checkToken(option: string, value: unknown): void {
  checkString(option, value);
  if (typeof value === "string" && !isSendableToken(value)) {
    throw new OvirtError(
      `The ${option} option must be an SSO token: visible ASCII characters, no spaces`,
    );
  }
}

/** How errors name a `Correlation-Id` among an option's headers. */
export const CORRELATION_HEADER = 'headers "Correlation-Id"';

/** The correlation ids the engine keeps as they are: 1 to 36 of A-Z, a-z, 0-9, `_` and `-`. */
export const CORRELATION_ID = /^[A-Za-z0-9_-]{1,36}$/;

/**
 * Refuses a correlation id the engine would change (it drops other characters and cuts it at
 * 36): its jobs and events would carry another id than the one errors name and
 * `waitForJobs` is given.
 */
export function checkCorrelationId(option: string, value: unknown): void {
  checkString(option, value);
  if (value === undefined || CORRELATION_ID.test(value as string)) return;
  throw new OvirtError(
    `The ${option} option ${JSON.stringify(value)} is not one the engine keeps as it is ` +
      "(1 to 36 of A-Z, a-z, 0-9, _ and -)",
  );
}

/** Refuses anything but a boolean. */
export function checkBoolean(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== "boolean") {
    throw new OvirtError(`The ${option} option must be true or false, not ${typeName(value)}`);
  }
}

/** Refuses anything but a function. */
export function checkFunction(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== "function") {
    throw new OvirtError(`The ${option} option must be a function, not ${typeName(value)}`);
  }
}

/**
 * A number of milliseconds: a whole number from 0 (no limit, as in the Python SDK) up to
 * {@link MAX_MILLISECONDS}. Resolves to `undefined` for "no limit".
 */
export function checkMilliseconds(option: string, value: unknown): number | undefined {
  if (value === undefined || value === 0) return undefined;
  if (typeof value !== "number" || !(value > 0 && value <= MAX_MILLISECONDS)) {
    throw new OvirtError(
      `The ${option} option must be a number of milliseconds from 0 (no limit) to ` +
        `${MAX_MILLISECONDS}, not ${describeValue(value)}`,
    );
  }
  return value;
}

/** A wait in milliseconds, from 0 (no wait at all) up to {@link MAX_MILLISECONDS}. */
export function checkDelay(option: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !(value >= 0 && value <= MAX_MILLISECONDS)) {
    throw new OvirtError(
      `The ${option} option must be a number of milliseconds from 0 (no wait) to ` +
        `${MAX_MILLISECONDS}, not ${describeValue(value)}`,
    );
  }
  return value;
}

/** A count: a whole number from 0 (no limit) up; `undefined` stays `undefined`. */
export function checkCount(option: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new OvirtError(
      `The ${option} option must be a whole number from 0 (no limit) up, not ${
        describeValue(value)
      }`,
    );
  }
  return value === 0 ? Infinity : value;
}

/**
 * A URL, parsed; `http:` and `https:` only. A refused one is shown without its user and
 * password, and (`secretPath`: a transfer URL, whose path is its ticket) without its path.
 */
export function checkUrl(option: string, value: unknown, secretPath = false): URL {
  if (value === undefined) throw new OvirtError(`The ${option} option is required`);
  checkString(option, value);
  let url: URL;
  try {
    url = new URL(value as string);
  } catch {
    // Not the parser's error: it would quote the whole text again.
    const shown = shownUrl(value as string, secretPath);
    throw new OvirtError(`The ${option} option is not a valid URL: "${shown}"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    const shown = shownUrl(value as string, secretPath);
    throw new OvirtError(`The ${option} option must be an http or https URL, not "${shown}"`);
  }
  if (mayHideCredentials(value as string)) {
    // `https://svc:57319/Hq8s@engine`: a password of digits and an unencoded `/` parses as
    // host `svc`, port 57319; going on would quote them in every later error.
    const shown = shownUrl(value as string, secretPath);
    throw new OvirtError(
      `The ${option} option has an @ after its host and port, where a user name and password ` +
        "that are not percent-encoded may be: percent-encode them (or give them apart); an @ of " +
        `the path or query is written %40, "${shown}"`,
    );
  }
  return url;
}

/**
 * Whether `text`, a URL that parses, may hold a password the parser took for a port and a
 * path: an `@` after the text up to the first `/`, `?`, `#` or `\\` after the scheme, which holds a
 * `:`.
 */
function mayHideCredentials(text: string): boolean {
  // The parser takes any number of `/` and `\` after the scheme.
  const rest = text.slice(/^[a-z][a-z0-9+.-]*:[/\\]*/i.exec(text)?.[0].length ?? 0);
  const end = rest.search(/[/?#\\]/);
  return end >= 0 && rest.slice(end).includes("@") && rest.slice(0, end).includes(":");
}

/**
 * `text`, a URL or nearly one, with its credentials (and, `secretPath`, its path) hidden. A
 * password may hold `/`, `?`, `#` and `@` unencoded, which is what makes such a URL invalid, so
 * where the parser would end the authority cannot be trusted: everything from the scheme's `://`
 * (or the start, without one) to the last `@` counts as a user and password, unless the text
 * after `://` has a `/`, `?` or `#` before any `:` and `@`. A user name holds none of those
 * (a password only comes after a `:`), so that `@` is in the path, query or fragment, and the
 * host shows.
 */
function shownUrl(text: string, secretPath: boolean): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? "";
  const rest = text.slice(scheme.length);
  const at = rest.lastIndexOf("@");
  if (at < 0 || (scheme !== "" && hasNoUserInfo(rest))) return scheme + withPath(rest, secretPath);
  return `${scheme}***@${withPath(rest.slice(at + 1), secretPath)}`;
}

/**
 * Whether `rest`, what follows a scheme's `://`, cannot start with a user name: its first `/`,
 * `?` or `#` comes after at least one character and before any `:` and `@`.
 */
function hasNoUserInfo(rest: string): boolean {
  const end = rest.search(/[/?#]/);
  return end > 0 && !/[:@]/.test(rest.slice(0, end));
}

/** `rest`, a host and what follows it, with what follows the host hidden when `secret`. */
function withPath(rest: string, secret: boolean): string {
  const pathStart = rest.search(/[/?#\\]/);
  return pathStart >= 0 && secret ? `${rest.slice(0, pathStart)}/...` : rest;
}

/** Headers as a record of names to values that `Headers` accepts; values never shown. */
export function checkHeaders(option: string, value: unknown): void {
  checkRecord(option, value);
  for (const [name, header] of Object.entries(value ?? {})) {
    if (!HEADER_NAME.test(name)) {
      throw new OvirtError(
        `The ${option} option has an invalid header name: ${JSON.stringify(name)}`,
      );
    }
    if (typeof header !== "string") {
      throw new OvirtError(
        `The value of header "${name}" in the ${option} option must be a string, not ${
          typeName(header)
        }`,
      );
    }
    if (BAD_HEADER_VALUE.test(header)) {
      throw new OvirtError(
        `The value of header "${name}" in the ${option} option has a character HTTP cannot ` +
          `carry (a line break, a control character, or one outside Latin-1): encode it first`,
      );
    }
  }
}

/** Query parameters as a record of names to strings. */
export function checkQuery(option: string, value: unknown): void {
  checkRecord(option, value);
  for (const [name, parameter] of Object.entries(value ?? {})) {
    if (typeof parameter !== "string") {
      throw new OvirtError(
        `The query parameter "${name}" in the ${option} option must be a string, not ${
          typeName(parameter)
        }`,
      );
    }
    if (!name.isWellFormed() || !parameter.isWellFormed()) {
      throw new OvirtError(
        `The query parameter "${name.toWellFormed()}" in the ${option} option holds a lone ` +
          "surrogate, which UTF-8 cannot carry",
      );
    }
  }
}

/** A list of strings. */
export function checkStrings(option: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw new OvirtError(`The ${option} option must be a list of strings`);
  }
}

/** An `AbortSignal`. */
export function checkSignal(option: string, value: unknown): void {
  if (value !== undefined && !(value instanceof AbortSignal)) {
    throw new OvirtError(`The ${option} option must be an AbortSignal, not ${typeName(value)}`);
  }
}

function checkRecord(option: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new OvirtError(`The ${option} option must be an object, not ${typeName(value)}`);
  }
}

/** What `value` is, for a message: `null`, `a list`, `an object`, `a number`... */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** `value` for a message: a number as written, anything else by {@link typeName}. */
export function describeValue(value: unknown): string {
  return typeof value === "number" ? String(value) : typeName(value);
}
