/**
 * The text of a file a user wrote for `--from FILE` (`-`: standard input), decoded the way
 * editors save it: UTF-8, with or without a byte order mark, or UTF-16 with one (Windows
 * PowerShell 5.1's `>` and `Out-File`; without one it is named). Bytes of another encoding
 * are refused, never replaced: a Latin-1 `é` read as U+FFFD would reach the engine as another
 * character. So is an XML declaration naming another encoding: the engine's XML is UTF-8 both
 * ways.
 *
 * @module
 */

import { untilAborted } from "../transport/abortable.ts";
import { UsageError } from "./errors.ts";
import { looksUtf16, notUtf8 } from "./strict_utf8.ts";

const SAVE = "save it as UTF-8";

/** The text of file `path` for `--flag` (`-`: standard input, given up when `signal` aborts). */
export async function readUserText(
  path: string,
  flag: string,
  signal?: AbortSignal,
): Promise<string> {
  const what = `--${flag} ${path}`;
  let bytes: Uint8Array;
  try {
    bytes = path === "-" ? await readStdin(signal) : await Deno.readFile(path, { signal });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new UsageError(`${what}: ${(error as Error).message}`);
  }
  return decode(bytes, what);
}

/**
 * `bytes` decoded by their byte order mark (none: UTF-8), without it; refused when they are
 * not in that encoding or declare another.
 */
function decode(bytes: Uint8Array, what: string): string {
  const [encoding, mark] = bytes[0] === 0xff && bytes[1] === 0xfe
    ? ["utf-16le", 2]
    : bytes[0] === 0xfe && bytes[1] === 0xff
    ? ["utf-16be", 2]
    : bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
    ? ["utf-8", 3]
    : ["utf-8", 0];
  const body = bytes.subarray(mark);
  // Its ASCII would read as UTF-8 holding zero bytes, its other letters as bytes not UTF-8.
  if (mark === 0 && looksUtf16(body)) throw new UsageError(`${what}: ${notUtf8(body)}: ${SAVE}`);
  let text: string | undefined;
  try {
    text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    // Left undefined: the declaration, ASCII, says more than the first bad byte.
  }
  const head = text ?? new TextDecoder("latin1").decode(body.subarray(0, 1024));
  const declared = /^<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([A-Za-z][\w.-]*)\1/.exec(head)?.[2];
  // UTF-8 and UTF-16 by any of their names, and ASCII, whose every file is UTF-8.
  if (declared !== undefined && !/^(?:utf-?(?:8|16(?:le|be)?)|(?:us-)?ascii)$/i.test(declared)) {
    throw new UsageError(
      `${what}: its XML declaration names encoding "${declared}", but ovirt reads only UTF-8 ` +
        `(or UTF-16 with a byte order mark): ${SAVE}, with encoding="UTF-8" or none`,
    );
  }
  if (text !== undefined) return text;
  if (encoding !== "utf-8") {
    throw new UsageError(`${what}: it starts as UTF-16 but is not valid UTF-16: ${SAVE}`);
  }
  throw new UsageError(`${what}: ${notUtf8(body, mark)}: ${SAVE}`);
}

/** All of standard input, or `signal`'s reason as soon as it aborts (Ctrl-C while waiting). */
async function readStdin(signal?: AbortSignal): Promise<Uint8Array> {
  const reader = Deno.stdin.readable.getReader();
  const chunks: Uint8Array[] = [];
  try {
    for (;;) {
      const { value, done } = await untilAborted(reader.read(), signal);
      if (done) break;
      chunks.push(value);
    }
  } finally {
    // Not awaited: a read still pending may hold the cancel until input comes.
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}
