/**
 * The answers of the Apache front end of an engine when the engine behind it does not
 * answer (while it starts, or after it crashed): 502, 503 or 504 with a small HTML page
 * in Apache's shape, never a `<fault>`.
 *
 * @module
 */

/** The statuses a proxy answers with when the engine is away. */
export type ProxyStatus = 502 | 503 | 504;

const PAGES: Readonly<Record<ProxyStatus, { title: string; text: string }>> = {
  502: {
    title: "Proxy Error",
    text: "The proxy server got an invalid response from the server behind it.",
  },
  503: {
    title: "Service Unavailable",
    text: "The server cannot handle the request right now. Please try again later.",
  },
  504: {
    title: "Gateway Timeout",
    text: "The proxy server did not get an answer in time from the server behind it.",
  },
};

/** A proxy's answer with `status`; `retryAfter` seconds go into a `Retry-After` header. */
export function proxyAnswer(status: ProxyStatus, retryAfter?: number): Response {
  const { title, text } = PAGES[status];
  const html = '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n' +
    `<html><head>\n<title>${status} ${title}</title>\n</head><body>\n` +
    `<h1>${title}</h1>\n<p>${text}</p>\n</body></html>\n`;
  const headers = new Headers({ "Content-Type": "text/html; charset=iso-8859-1" });
  if (retryAfter !== undefined) headers.set("Retry-After", String(retryAfter));
  return new Response(html, { status, statusText: title, headers });
}
