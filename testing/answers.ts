/**
 * How the simulator answers: XML documents with the engine's declaration, and the
 * refusals (`<fault>` bodies) behaviours throw as {@link Refusal}.
 *
 * @module
 */

import { writeStruct } from "../transport/xml/writer.ts";

/** The declaration the engine starts every XML answer with. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** Content type of XML answers. */
export const XML_TYPE = "application/xml;charset=UTF-8";

/** A request the engine would refuse: answered with `status` and a `<fault>`. */
export class Refusal extends Error {
  /** HTTP status of the answer. */
  readonly status: number;
  /** `<reason>` of the fault. */
  readonly reason: string;

  /**
   * A refusal with `status`, fault `reason` and fault `detail` (the error message; empty
   * for a fault that has no detail).
   */
  constructor(status: number, reason: string, detail: string) {
    super(detail);
    this.status = status;
    this.reason = reason;
  }
}

/**
 * 500 with the application server's HTML error page and no `<fault>`: what the engine answers
 * when its REST layer fails with an exception no mapper of it handles, such as the
 * `NullPointerException` of `asGuid(null)` (a reference sent without an id where the engine
 * reads only the id).
 */
export class ServerErrorPage extends Refusal {
  /** The refusal; `cause` says why, for the simulator's reader only (the page does not). */
  constructor(cause: string) {
    super(500, "Internal Server Error", cause);
  }
}

/** The HTML page an engine's application server answers an unhandled exception with. */
const ERROR_PAGE =
  "<html><head><title>Error</title></head><body>Internal Server Error</body></html>";

/** 404: no object with that id (or name) here. */
export function notFound(what: string): Refusal {
  return new Refusal(404, "Operation Failed", `Entity not found: ${what}`);
}

/** 409: the object's state forbids the operation; `detail` is the engine message. */
export function conflict(detail: string): Refusal {
  return new Refusal(409, "Operation Failed", `[${detail}]`);
}

/**
 * 400: a check the engine classes as bad parameters (or a constraint violation) failed;
 * `detail` is the engine message.
 */
export function badParameters(detail: string): Refusal {
  return new Refusal(400, "Operation Failed", `[${detail}]`);
}

/** 400: a mandatory value is missing, e.g. `incomplete("Vm", ["name"], "add")`. */
export function incomplete(type: string, members: readonly string[], method: string): Refusal {
  return new Refusal(
    400,
    "Incomplete parameters",
    `${type} [${members.join(", ")}] required for ${method}`,
  );
}

/** 400: a value that does not make sense. */
export function invalid(detail: string): Refusal {
  return new Refusal(400, "Invalid value", detail);
}

/** 400: a body the engine cannot parse. */
export function syntaxError(detail: string): Refusal {
  return new Refusal(400, "Request syntactically incorrect.", detail);
}

/** An XML answer: the declaration followed by `body`. */
export function xmlAnswer(status: number, body: string, headers: HeadersInit = {}): Response {
  return new Response(XML_DECLARATION + body, {
    status,
    headers: { "Content-Type": XML_TYPE, ...Object.fromEntries(new Headers(headers)) },
  });
}

/**
 * The `<fault>` answer of a refusal; a refusal without a detail (the engine's REST layer
 * writes some faults with a reason only) has no `<detail>`. A {@link ServerErrorPage} is
 * answered with its HTML page instead.
 */
export function refusalAnswer(refusal: Refusal): Response {
  if (refusal instanceof ServerErrorPage) {
    return new Response(ERROR_PAGE, {
      status: 500,
      headers: { "Content-Type": "text/html;charset=UTF-8" },
    });
  }
  const detail = refusal.message === "" ? undefined : refusal.message;
  return xmlAnswer(refusal.status, writeStruct("Fault", { reason: refusal.reason, detail }));
}
