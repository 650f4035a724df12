/**
 * Correlation ids: the engine tags the jobs and events of a request with the request's
 * `Correlation-Id` header (or `correlation_id` query parameter), kept to `[A-Za-z0-9_-]`
 * and 36 characters, or with a random one when the client sent none.
 *
 * @module
 */

/** The correlation id a client gave `request` (cleaned as the engine does), if any. */
export function givenCorrelationId(request: Request, url: URL): string | undefined {
  const given = request.headers.get("Correlation-Id") ?? url.searchParams.get("correlation_id");
  const cleaned = given?.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 36);
  return cleaned ? cleaned : undefined;
}

/** Hidden (non-model) property of jobs and steps holding their correlation id. */
export const CORRELATION_ID = "$correlationId";
