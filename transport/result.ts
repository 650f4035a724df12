/**
 * Reading an answer as the result of a generated method: the object, the list, nothing
 * (remove), or an action's output; and refusing answers that are not what the method
 * promises.
 *
 * @module
 */

import { peekBody, type PeekedBody, responseReader } from "./body.ts";
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
import type { MethodSpec } from "./service.ts";
import { readXml, readXmlFrom, type XmlDocument } from "./xml/reader.ts";

/** The result of `spec` from `response`, whose body is always consumed or cancelled. */
export async function readResult(
  spec: MethodSpec,
  exchange: Exchange,
  response: HttpResponse,
): Promise<unknown> {
  if (response.status < 200 || response.status > 299) {
    throw await responseError(exchange, response);
  }
  const body = await peekBody(responseReader(response));
  try {
    return await readBody(spec, exchange, response, body);
  } finally {
    await body?.discard();
  }
}

/** The result of `spec` from a successful answer's body. */
async function readBody(
  spec: MethodSpec,
  exchange: Exchange,
  response: HttpResponse,
  body: PeekedBody | undefined,
): Promise<unknown> {
  switch (spec.kind) {
    case "get":
    case "add":
    case "update":
    case "list": {
      const document = await readDocument(exchange, response, body);
      const list = spec.kind === "list" || spec.output?.list === true;
      return expectDocument(exchange, response, document, list);
    }
    case "remove":
      if (body && isXml(response.headers.get("content-type"))) {
        rejectFault(exchange, response, await readDocument(exchange, response, body));
      }
      return undefined;
    case "action":
      return await actionOutput(spec, exchange, response, body);
  }
}

/** The output of an action: the member named like its `@Out` parameter, if it has one. */
async function actionOutput(
  spec: MethodSpec,
  exchange: Exchange,
  response: HttpResponse,
  body: PeekedBody | undefined,
): Promise<unknown> {
  const output = spec.output;
  const missing = output?.list ? [] : undefined;
  if (!body) return missing;
  if (!output && !isXml(response.headers.get("content-type"))) return undefined;
  const document = await readDocument(exchange, response, body);
  rejectFault(exchange, response, document);
  if (!output) return undefined;
  if (document.root !== "action") throw unexpected(exchange, response, document.root);
  return (document.value as Record<string, unknown>)[output.name] ?? missing;
}

/** The XML document of a body that must be there and be XML. */
async function readDocument(
  exchange: Exchange,
  response: HttpResponse,
  body: PeekedBody | undefined,
): Promise<XmlDocument> {
  if (!body) {
    throw new OvirtError(
      `HTTP ${response.status} from ${exchange.method} ${exchange.url.href} has no body`,
      { code: response.status },
    );
  }
  const contentType = response.headers.get("content-type");
  if (contentType !== null && !isXml(contentType)) throw notXmlError(exchange, response);
  try {
    return body.whole ? readXml(body.whole) : await readXmlFrom(body.reader, body.head);
  } catch (error) {
    if (error instanceof OvirtError) throw error;
    throw new OvirtError(
      `Cannot read the answer to ${exchange.method} ${exchange.url.href}: ` +
        (error instanceof Error ? error.message : String(error)),
      { code: response.status, cause: error },
    );
  }
}

/** The object (or, with `list`, the array) a document holds; anything else is an error. */
function expectDocument(
  exchange: Exchange,
  response: HttpResponse,
  document: XmlDocument,
  list: boolean,
): unknown {
  rejectFault(exchange, response, document);
  const { value } = document;
  const fits = list
    ? Array.isArray(value)
    : typeof value === "object" && value !== null && !Array.isArray(value);
  if (!fits || document.root === "action") throw unexpected(exchange, response, document.root);
  return value;
}

/** Throws when a document is a `<fault>` or an `<action>` holding one. */
function rejectFault(exchange: Exchange, response: HttpResponse, document: XmlDocument): void {
  const fault = faultOf(document.root, document.value);
  if (fault) throw faultError(exchange, response, fault);
}

function unexpected(exchange: Exchange, response: HttpResponse, root: string): OvirtError {
  return new OvirtError(
    `HTTP ${response.status} from ${exchange.method} ${exchange.url.href} holds an ` +
      `unexpected <${root}> document`,
    { code: response.status },
  );
}
