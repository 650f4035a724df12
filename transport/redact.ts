/**
 * The one place that hides secrets before text is logged or put into an error message.
 * Secrets are hidden where they stand (headers, SSO forms and answers, the model's secret
 * members, transfer URLs), never by searching the text for their value: a VM may be named
 * like a password, and a short token would garble whole messages. The exceptions are an
 * SSO's refusal, which may repeat the password it was sent, and a server's error text, which
 * may repeat the request's token ({@link hideValue}).
 *
 * @module
 */

/** What replaces a hidden secret. */
export const REDACTED = "***";

/** Secrets that travel in a recognisable place: headers, JSON members, XML elements. */
const SECRET_PATTERNS: readonly RegExp[] = [
  // Header lines as the debug log writes them.
  /(\b(?:authorization|proxy-authorization|cookie|set-cookie):\s*)[^\r\n]*/gi,
  // Members of the SSO's JSON answers.
  /("(?:password|access_token|refresh_token|id_token|token)"\s*:\s*")(?:[^"\\]|\\.)*/gi,
  // Model members holding credentials (hosts, storage, users, providers, cloud-init): up to
  // their end tag (CDATA, line breaks and all), or to the end of a body cut short.
  /(<(password|root_password|windows_license_key)>)[\s\S]*?(?=<\/\2>|$)/g,
  // Image transfer URLs carry the transfer's ticket in their path: keep scheme and host.
  /(<(?:transfer_url|proxy_url)>[a-z][a-z0-9+.-]*:\/\/[^/<]*)[^<]*/gi,
  // A user and password in a URL (`https://user:pass@sso/...`), as a URL's `href` spells
  // them (their `/`, `?`, `#`, `@`, `"`, `<` and `>` percent-encoded, not `'`): up to the `@`
  // before the host.
  /(:\/\/)[^\s/?#@<>"]+(?=@)/g,
];

/**
 * Headers of the caller's whose name says they carry a credential (`X-Auth-Token`, `X-API-Key`,
 * `X.Vault~Token`): only on the debug log's header lines (`> name: value`). The pattern takes
 * any name, which {@link SECRET_HEADER_NAME} then checks: a pattern looking for the word inside
 * the name would take time in the square of a long line's length.
 */
const HEADER_LINE = /^([<>] ([\w!#$%&'*+.^`|~-]*):\s*)[^\r\n]*/gm;
const SECRET_HEADER_NAME = /token|secret|passw(?:or)?d|api\W?_?key|auth|session/i;

/**
 * The start of a form field or query parameter (`password=`, `?api_key=`), any name, which
 * {@link SECRET_FIELD_NAME} then checks (as for {@link HEADER_LINE}).
 */
const FIELD = /(?:^|[?&\s])([\w.~+%-]*)=/g;
const SECRET_FIELD_NAME = /password|token|secret|api(?:%[0-9a-f]{2}|\W)?_?key/i;
/** Where a field's value ends. */
const FIELD_END = /[&\s]/g;

/**
 * Elements whose `<value>`s are secrets: console and proxy tickets, volume keys, and the
 * options of a managed block storage driver the model calls sensitive (array passwords, keys).
 */
const SECRET_VALUE_HOLDERS =
  /<(ticket|proxy_ticket|openstack_volume_authentication_key|driver_sensitive_options)\b[^<>]*>[\s\S]*?(?:<\/\1>|$)/g;

/**
 * Returns `text` with every secret replaced by {@link REDACTED}: the value of an `Authorization`,
 * `Proxy-Authorization`, `Cookie` or `Set-Cookie` header line, of a debug log header line whose
 * name has `token`, `secret`, `password`, `api-key` (or `api_key`, `apikey`), `auth` or `session`
 * in it (the engine's `JSESSIONID`),
 * whatever follows a form field or query parameter whose name has `password`, `token`, `secret`
 * or `api-key` in it (`password=`, `access_token=`, `api_key=`), a JSON `"password"`, `"token"`,
 * `"access_token"`, `"refresh_token"` or `"id_token"` member, an XML `<password>`,
 * `<root_password>` or `<windows_license_key>`, the `<value>`s of a `<ticket>`, `<proxy_ticket>`,
 * `<openstack_volume_authentication_key>` or `<driver_sensitive_options>`, the path of a
 * `<transfer_url>` or `<proxy_url>`, and the user and password of a URL. Nothing else is touched.
 */
export function redact(text: string): string {
  let result = text;
  for (const pattern of SECRET_PATTERNS) {
    result = result.replace(pattern, (_match, prefix: string) => prefix + REDACTED);
  }
  result = result.replace(
    HEADER_LINE,
    (line, prefix: string, name: string) =>
      SECRET_HEADER_NAME.test(name) ? prefix + REDACTED : line,
  );
  return hideSecretFields(result).replace(
    SECRET_VALUE_HOLDERS,
    (element) =>
      element.replace(
        /(<value>)[\s\S]*?(?=<\/value>|$)/g,
        (_match, prefix: string) => prefix + REDACTED,
      ),
  );
}

/**
 * `text` with the value of each form field or query parameter whose name says it is a secret
 * hidden, up to the next `&` or white space (a field inside a hidden value goes with it).
 */
function hideSecretFields(text: string): string {
  let result = "";
  let shownFrom = 0;
  for (const field of text.matchAll(FIELD)) {
    const valueStart = field.index + field[0].length;
    if (valueStart <= shownFrom || !SECRET_FIELD_NAME.test(field[1])) continue;
    FIELD_END.lastIndex = valueStart;
    const valueEnd = FIELD_END.exec(text)?.index ?? text.length;
    result += text.slice(shownFrom, valueStart) + REDACTED;
    shownFrom = valueEnd;
  }
  return shownFrom === 0 ? text : result + text.slice(shownFrom);
}

/**
 * `text` without `secret` in any spelling an answer may give it: as it is, as JSON writes it
 * (`\"`, `\\`, `\/`, `\u00e4`), and percent-encoded. Only for the places where a secret
 * must be searched for by value (see the module doc): an SSO's refusal, which may repeat
 * the password it was sent, and a server's error text, which may repeat the token.
 */
export function hideValue(text: string, secret: string): string {
  if (secret === "") return text;
  const json = JSON.stringify(secret).slice(1, -1);
  const jsonAscii = json.replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  const spellings = new Set([
    secret,
    json,
    json.replaceAll("/", "\\/"),
    jsonAscii,
    jsonAscii.replaceAll("/", "\\/"),
    encodeURIComponent(secret),
    new URLSearchParams({ x: secret }).toString().slice(2),
  ]);
  let hidden = text;
  for (const spelling of spellings) hidden = hidden.replaceAll(spelling, REDACTED);
  return hidden;
}
