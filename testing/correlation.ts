/**
 * Correlation ids: the engine tags the jobs and events of a request with the request's
 * `Correlation-Id` header (or, if nothing is left of it, `correlation_id` query parameter),
 * kept to `[A-Za-z0-9_-]` and 36 characters, or with a random UUID when neither gives one;
 * the answer's `Correlation-Id` header says which.
 *
 * @module
 */

/** The correlation id a client gave `request` (cleaned as the engine does), if any. */
export function givenCorrelationId(request: Request, url: URL): string | undefined {
  return cleaned(request.headers.get("Correlation-Id")) ??
    cleaned(url.searchParams.get("correlation_id"));
}

/** `given` kept to the characters and length the engine keeps; undefined if nothing is left. */
function cleaned(given: string | null): string | undefined {
  const kept = given?.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 36);
  return kept ? kept : undefined;
}

/** Hidden (non-model) property of jobs and steps holding their correlation id. */
export const CORRELATION_ID = "$correlationId";
