/**
 * Reading an answer as the result of a generated method: the object, the list, nothing
 * (remove), or an action's output; and refusing answers that are not what the method
 * promises.
 *
 * @module
 */

import {
  type BodyReader,
  peekBody,
  type PeekedBody,
  prefixedReader,
  responseReader,
} from "./body.ts";
import { OvirtError } from "./errors.ts";
import type { HttpResponse } from "./http.ts";
import {
  type Exchange,
  faultError,
  faultOf,
  isXml,
  notXmlError,
  responseError,
} from "./response_error.ts";
import { serverText } from "./server_text.ts";
import type { MethodSpec, ParamSpec } from "./service.ts";
import { readXml, readXmlFrom, type XmlDocument } from "./xml/read_xml.ts";
import { MODEL_SCHEMA } from "./xml/schema.ts";
import type { ListWatch } from "./xml/stream.ts";

/**
 * The result of `spec` from `response`, whose body is always consumed or cancelled. Not an
 * async function: one per call costs about twice the garbage of a promise reaction (see
 * `bench/RESULTS.md`, small get()).
 */
export function readResult(
  spec: MethodSpec,
  exchange: Exchange,
  response: HttpResponse,
  sent?: unknown,
): Promise<unknown> {
  if (response.status < 200 || response.status > 299) {
    return responseError(exchange, response).then((error) => Promise.reject(error));
  }
  return peekBody(responseReader(response)).then((body) =>
    body?.whole === undefined && body !== undefined
      ? resultOfStream(spec, exchange, response, body, sent)
      : resultOf(spec, exchange, response, wholeDocument(spec, exchange, response, body), sent)
  );
}

/** The document of a body that arrived whole (or empty), when `spec` wants one. */
function wholeDocument(
  spec: MethodSpec,
  exchange: Exchange,
  response: HttpResponse,
  body: PeekedBody | undefined,
): XmlDocument | undefined {
  if (!wantsDocument(spec, body)) return undefined;
  return readDocument(spec, exchange, response, body) as XmlDocument;
}

/** The result of `spec` from a body still arriving, which is let go of afterwards. */
async function resultOfStream(
  spec: MethodSpec,
  exchange: Exchange,
  response: HttpResponse,
  body: PeekedBody,
  sent: unknown,
): Promise<unknown> {
  try {
    const document = wantsDocument(spec, body)
      ? await readDocument(spec, exchange, response, body)
      : undefined;
    return resultOf(spec, exchange, response, document, sent);
  } finally {
    await body.discard();
  }
}

/**
 * Whether the result of `spec` comes from the answer's document: always for the methods that
 * return an object (which fail without one), else when there is a body (a fault, an action's
 * output): a body that is not XML, such as a proxy's or a portal's page answered with 200, is
 * no sign that the engine removed or did anything, and is refused as `get` refuses it.
 */
function wantsDocument(spec: MethodSpec, body: PeekedBody | undefined): boolean {
  return body !== undefined || (spec.kind !== "remove" && spec.kind !== "action");
}

/**
 * The result of `spec` from the answer's document, `undefined` when it has none; `sent` is
 * what an `add` sent, its result when the engine answers with a completed `<action>`.
 */
function resultOf(
  spec: MethodSpec,
  exchange: Exchange,
  response: HttpResponse,
  document: XmlDocument | undefined,
  sent: unknown,
): unknown {
  switch (spec.kind) {
    case "add":
      if (document?.root === "action") return addedByAction(exchange, response, document, sent);
      return expectDocument(exchange, response, document!, spec.output);
    case "get":
    case "update":
    case "list":
      return expectDocument(exchange, response, document!, spec.output);
    case "remove":
      if (document) rejectFailure(exchange, response, document, "removal");
      return undefined;
    case "action":
      return actionOutput(spec, exchange, response, document);
  }
}

/**
 * The result of an `add` that the engine answered with an `<action>`: a few collections do
 * (adding a host to an affinity group, a network to an iSCSI bond, a connection to a storage
 * domain...), once the change is made, without the object. The result is then what was
 * sent; an action that failed is an error.
 */
function addedByAction(
  exchange: Exchange,
  response: HttpResponse,
  document: XmlDocument,
  sent: unknown,
): unknown {
  rejectFailure(exchange, response, document, "addition");
  return sent;
}

/** The output of an action: the member named like its `@Out` parameter, if it has one. */
function actionOutput(
  spec: MethodSpec,
  exchange: Exchange,
  response: HttpResponse,
  document: XmlDocument | undefined,
): unknown {
  const output = spec.output;
  if (document) rejectFailure(exchange, response, document, "action");
  if (!output) return undefined;
  if (document && document.root !== "action") {
    if (isOutputDocument(output, document.root)) return document.value;
    throw unexpected(exchange, response, document.root);
  }
  const value = (document?.value as Record<string, unknown> | undefined)?.[output.name];
  if (value !== undefined) return value;
  if (output.list) return [];
  if (output.kind === "boolean") {
    // A yes or no the action asks for (`isAttached`): without it there is no answer.
    throw new OvirtError(
      `${answerNamed(exchange, response)} holds no <${output.wire}>, the answer the action ` +
        "asks for",
      { code: response.status },
    );
  }
  return undefined;
}

/**
 * Whether a document of root `root` is the action's output itself: the engine answers a
 * few actions so (`getProfileStatistics` of a Gluster volume answers its
 * `<gluster_volume_profile_details>`), not with an `<action>` holding it.
 */
function isOutputDocument(output: ParamSpec, root: string): boolean {
  const meta = MODEL_SCHEMA.root(root);
  return meta !== undefined && meta.type === output.type && meta.list === (output.list === true);
}

/**
 * The XML document of a body that must be there and be XML: read at once when the body
 * arrived whole, else as the rest of it arrives.
 */
function readDocument(
  spec: MethodSpec,
  exchange: Exchange,
  response: HttpResponse,
  body: PeekedBody | undefined,
): XmlDocument | Promise<XmlDocument> {
  if (!body) throw noBody(spec, exchange, response);
  const contentType = response.headers.get("content-type");
  if (contentType !== null && !isXml(contentType)) throw notXmlError(exchange, response);
  if (!body.whole) {
    const reader = new TransferReader(body.reader);
    return readXmlFrom(reader, body.head).catch((error) => {
      throw reader.failedWith(error) ? error : unreadable(exchange, response, error);
    });
  }
  try {
    return readXml(body.whole);
  } catch (error) {
    throw unreadable(exchange, response, error);
  }
}

/**
 * The error for a successful answer without a body where `spec` needs one. An `add` answered
 * so was made: the engine answers 202 without the object when it cannot read back what it
 * added (`fetchCreatedEntity` in its REST layer, Gluster bricks), so it is `maybeApplied`.
 */
function noBody(spec: MethodSpec, exchange: Exchange, response: HttpResponse): OvirtError {
  const message = `${answerNamed(exchange, response)} has no body`;
  if (spec.kind !== "add") return new OvirtError(message, { code: response.status });
  return new OvirtError(
    `${message}: the engine accepted the addition but sent nothing back; look for the object ` +
      "before adding it again",
    { code: response.status, maybeApplied: true },
  );
}

/**
 * What a failure of the XML reader becomes: an {@link OvirtError} naming the request. An
 * error that names its answer already (with a `code`) and a failure of the transfer (a
 * `ConnectionError`, a `TimeoutError`: subclasses) stay as they are.
 */
function unreadable(exchange: Exchange, response: HttpResponse, error: unknown): OvirtError {
  if (error instanceof OvirtError) {
    if (error.constructor !== OvirtError || error.code !== undefined) return error;
  }
  return new OvirtError(
    `${answerNamed(exchange, response)} cannot be read: ` +
      (error instanceof Error ? error.message : String(error)),
    { code: response.status, cause: error },
  );
}

/**
 * The object (or, for a list, the array) of the `output` type a document holds; anything else
 * (another type's document, a list for an object) is an error.
 */
function expectDocument(
  exchange: Exchange,
  response: HttpResponse,
  document: XmlDocument,
  output: ParamSpec | undefined,
): unknown {
  rejectFault(exchange, response, document);
  const { value, root } = document;
  const list = output?.list === true;
  const fits = list
    ? Array.isArray(value)
    : typeof value === "object" && value !== null && !Array.isArray(value);
  if (!fits || root === "action" || !holdsType(root, output?.type)) {
    throw unexpected(exchange, response, root);
  }
  return value;
}

/**
 * Whether a document with root `tag` holds the struct `type` (or one derived from it); true
 * when either is not known.
 */
function holdsType(tag: string, type: string | undefined): boolean {
  const root = MODEL_SCHEMA.root(tag);
  if (root === undefined || type === undefined) return true;
  for (let name: string | undefined = root.type; name !== undefined;) {
    if (name === type) return true;
    name = MODEL_SCHEMA.structMeta(name).base;
  }
  return false;
}

/** A streamed list's answer: its body, and the checks that give the errors `list()` gives. */
export interface StreamedListAnswer {
  /** The body, its first bytes read already. */
  readonly body: BodyReader;
  /** The checks to hand to `streamList` (see {@link ListWatch}). */
  readonly checks: Required<Pick<ListWatch, "checkListRoot" | "faultError" | "mapError">>;
}

/**
 * The answer of a streamed list of `spec`, its body read up to its first bytes: an empty
 * one is the error `list()` gives. Its checks, for `list()`'s errors too: its root is a list
 * of the type asked for, a `<fault>` (or an `<action>` holding one) sent in its place is the
 * server's error, and what the XML reader fails with names the request. What the transfer
 * fails with (the call aborted or out of time, the connection closed or cut) is left as it
 * is, for the call's deadline to name as `list()`'s.
 */
export async function streamedListAnswer(
  spec: MethodSpec,
  exchange: Exchange,
  response: HttpResponse,
): Promise<StreamedListAnswer> {
  const reader = new TransferReader(responseReader(response));
  let chunk;
  do {
    chunk = await reader.read();
  } while (!chunk.done && chunk.value.byteLength === 0);
  if (chunk.done) throw noBody(spec, exchange, response);
  const checks: StreamedListAnswer["checks"] = {
    mapError: (error) => reader.failedWith(error) ? error : unreadable(exchange, response, error),
    checkListRoot: (root) => {
      if (!holdsType(root, spec.output?.type)) throw unexpected(exchange, response, root);
    },
    faultError: (document) => {
      const fault = faultOf(document.root, document.value);
      return fault
        ? faultError(exchange, response, fault)
        : unexpected(exchange, response, document.root);
    },
  };
  return { body: prefixedReader([chunk.value], reader), checks };
}

/**
 * A body's reader that tells what its reads failed with (the transfer's failures: an abort,
 * a time limit, the connection closed or cut) from what the XML reader fails with.
 */
class TransferReader implements BodyReader {
  readonly #source: BodyReader;
  /** What a read failed with, once one has. */
  #failure?: { readonly error: unknown };
  readonly idle?: () => void;

  constructor(source: BodyReader) {
    this.#source = source;
    if (source.idle) this.idle = () => source.idle!();
  }

  read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    return this.#source.read().catch((error) => {
      this.#failure = { error };
      throw error;
    });
  }

  cancel(reason?: unknown): Promise<void> {
    return this.#source.cancel(reason);
  }

  /** Whether `error` is what a read failed with. */
  failedWith(error: unknown): boolean {
    return this.#failure !== undefined && this.#failure.error === error;
  }
}

/** Throws when a document is a `<fault>` or an `<action>` holding one. */
function rejectFault(exchange: Exchange, response: HttpResponse, document: XmlDocument): void {
  const fault = faultOf(document.root, document.value);
  if (fault) throw faultError(exchange, response, fault);
}

/**
 * Throws when a document is a `<fault>`, or an `<action>` holding one or whose `status` is
 * `failed`: the engine's answer (200, no fault) to a blocking call (`async: false`) whose
 * tasks failed. `what` names the call in the message (`action`, `removal`).
 */
function rejectFailure(
  exchange: Exchange,
  response: HttpResponse,
  document: XmlDocument,
  what: string,
): void {
  rejectFault(exchange, response, document);
  if (document.root !== "action") return;
  const status = (document.value as { status?: unknown } | undefined)?.status;
  if (status !== "failed") return;
  throw new OvirtError(
    `${answerNamed(exchange, response)}: the engine reports the ${what} failed, without a ` +
      "fault saying why (its events may)",
    { code: response.status },
  );
}

function unexpected(exchange: Exchange, response: HttpResponse, root: string): OvirtError {
  return new OvirtError(
    `${answerNamed(exchange, response)} holds an unexpected <${root}> document`,
    { code: response.status },
  );
}

/**
 * An answer as messages name it: its status and reason, then the request's method and URL
 * without its query, as the errors of `response_error.ts` name it.
 */
function answerNamed(exchange: Exchange, response: HttpResponse): string {
  const reason = response.statusText ? ` ${serverText(response.statusText, 100)}` : "";
  return `HTTP ${response.status}${reason} from ${exchange.method} ` +
    `${exchange.url.origin}${exchange.url.pathname}`;
}
