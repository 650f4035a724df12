/**
 * The one place that hides secrets (passwords, SSO tokens, `Authorization` values) before
 * text is logged or put into an error message.
 *
 * @module
 */

/** What replaces a hidden secret. */
export const REDACTED = "***";

/** Secrets that travel in a recognisable place: headers, forms, JSON members, XML elements. */
const SECRET_PATTERNS: readonly RegExp[] = [
  /(\bauthorization:\s*)[^\r\n]*/gi,
  /((?:^|[?&\s])(?:password|token|access_token)=)[^&\s]*/gi,
  /("(?:password|access_token|token)"\s*:\s*")(?:[^"\\]|\\.)*/gi,
  // Model members holding credentials (hosts, storage, users, providers, cloud-init).
  /(<(?:password|root_password|windows_license_key)>)[^<]*/g,
  // Image transfer URLs carry the transfer's ticket in their path: keep scheme and host.
  /(<(?:transfer_url|proxy_url)>[a-z][a-z0-9+.-]*:\/\/[^/<]*)[^<]*/gi,
];

/** Elements whose `<value>` is a secret: console tickets and proxy tickets. */
const TICKET_ELEMENTS = /<(ticket|proxy_ticket)\b[^>]*>[\s\S]*?<\/\1>/g;

/**
 * Returns `text` with every secret replaced by {@link REDACTED}: each of `secrets` (also in
 * its form- and URL-encoded spellings) and whatever follows `Authorization:`, `password=`,
 * `token=`, `access_token=`, a JSON `"password"`, `"token"` or `"access_token"` member, an
 * XML `<password>`, `<root_password>` or `<windows_license_key>`, the `<value>` of a
 * `<ticket>` or `<proxy_ticket>`, and the path of a `<transfer_url>` or `<proxy_url>`.
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let result = text;
  for (const pattern of SECRET_PATTERNS) {
    result = result.replace(pattern, (_match, prefix: string) => prefix + REDACTED);
  }
  result = result.replace(
    TICKET_ELEMENTS,
    (element) => element.replace(/(<value>)[^<]*/g, (_match, prefix: string) => prefix + REDACTED),
  );
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    for (const spelling of spellings(secret)) result = result.replaceAll(spelling, REDACTED);
  }
  return result;
}

/** A secret as it may appear: verbatim, percent-encoded, form-encoded, JSON-escaped. */
function spellings(secret: string): Set<string> {
  return new Set([
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
  ]);
}
