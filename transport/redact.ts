/**
 * The one place that hides secrets (passwords, SSO tokens, `Authorization` values) before
 * text is logged or put into an error message.
 *
 * @module
 */

/** What replaces a hidden secret. */
export const REDACTED = "***";

/** Secrets that travel in a recognisable place: headers, forms, JSON members. */
const SECRET_PATTERNS: readonly RegExp[] = [
  /(\bauthorization:\s*)[^\r\n]*/gi,
  /((?:^|[?&\s])(?:password|token|access_token)=)[^&\s]*/gi,
  /("(?:password|access_token|token)"\s*:\s*")(?:[^"\\]|\\.)*/gi,
];

/**
 * Returns `text` with every secret replaced by {@link REDACTED}: each of `secrets` (also in
 * its form- and URL-encoded spellings) and whatever follows `Authorization:`, `password=`,
 * `token=`, `access_token=` or a JSON `"password"`, `"token"` or `"access_token"` member.
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let result = text;
  for (const pattern of SECRET_PATTERNS) {
    result = result.replace(pattern, (_match, prefix: string) => prefix + REDACTED);
  }
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
