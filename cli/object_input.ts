/**
 * The object `--from FILE` holds: JSON (camelCase or snake_case members) or the engine's
 * XML, checked against the type the command sends. `-` reads standard input.
 *
 * @module
 */

import { fromXml } from "../mod.ts";
import { untilAborted } from "../transport/abortable.ts";
import { STRUCTS } from "./model.ts";
import { UsageError } from "./errors.ts";
import { fromJson } from "./values.ts";
import { leftOutElements, leftOutTexts } from "./xml_members.ts";

/** The `type` object in file `path` (`-`: standard input, given up when `signal` aborts). */
export async function readObjectFile(
  path: string,
  type: string,
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  // A byte order mark (a file saved by Notepad or PowerShell's Out-File) is no part of it.
  const text = (await readInput(path, "from", signal)).replace(/^\uFEFF/, "");
  const what = `--from ${path}`;
  if (text.trimStart().startsWith("<")) {
    const tag = STRUCTS[type]?.tag;
    const root = /^\s*(?:<\?xml[^>]*\?>\s*)?<([\w.-]+)/.exec(text)?.[1];
    if (root !== tag) throw new UsageError(`${what}: expected one <${tag}>, not <${root}>`);
    let read: Record<string, unknown>;
    try {
      read = fromXml(text) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`${what}: ${(error as Error).message}`);
    }
    const unknown = leftOutElements(text, tag!, read);
    if (unknown.length > 0) {
      throw new UsageError(
        `${what}: the model has no ${unknown.map((path) => `<${path}>`).join(", ")} ` +
          `(no such member of ${type} or of what it holds)`,
      );
    }
    const dropped = leftOutTexts(text, tag!, read);
    if (dropped.length > 0) {
      throw new UsageError(
        `${what}: the text of ${dropped.map((path) => `<${path}>`).join(", ")} is not read ` +
          "(an object is written with its members, such as " +
          "<cluster><name>Default</name></cluster>)",
      );
    }
    return read;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what}: not JSON or XML (${(error as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UsageError(`${what}: the file must hold one JSON object`);
  }
  return fromJson(json as Record<string, unknown>, type, what);
}

async function readInput(path: string, flag: string, signal?: AbortSignal): Promise<string> {
  try {
    return path === "-" ? await readStdin(signal) : await Deno.readTextFile(path, { signal });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new UsageError(`--${flag} ${path}: ${(error as Error).message}`);
  }
}

/** All of standard input, or `signal`'s reason as soon as it aborts (Ctrl-C while waiting). */
async function readStdin(signal?: AbortSignal): Promise<string> {
  const reader = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    for (;;) {
      const { value, done } = await untilAborted(reader.read(), signal);
      if (done) return text;
      text += value;
    }
  } finally {
    // Not awaited: a read still pending may hold the cancel until input comes.
    reader.cancel().catch(() => {});
  }
}
