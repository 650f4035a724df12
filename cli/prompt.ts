/**
 * Asking for a password: on a terminal, without echo (raw mode, the typed characters
 * never shown); from a pipe, the first line of standard input. Either is UTF-8, as the engine
 * reads it: other bytes are refused, not sent as another password.
 *
 * @module
 */

import { untilAborted } from "../transport/abortable.ts";
import { CliError, EXIT, UsageError } from "./errors.ts";
import { utf8Text } from "./strict_utf8.ts";

const LF = 0x0a;
const CR = 0x0d;
const ENTER = new Set([LF, CR]);
const BACKSPACE = new Set([0x08, 0x7f]);
const CTRL_C = 0x03;
const CTRL_D = 0x04;

/**
 * Reads a password after printing `prompt` on standard error; `signal` (Ctrl-C or SIGTERM
 * received) stops waiting for it. Ctrl-C typed at the prompt (which raw mode reads as a
 * character) ends the run as the signal would, with exit code 130.
 */
export async function readPassword(prompt: string, signal?: AbortSignal): Promise<string> {
  if (!Deno.stdin.isTerminal()) return await firstLine(signal);
  const encoder = new TextEncoder();
  Deno.stdin.setRaw(true); // before the prompt: nothing typed after it may be echoed
  const typed: number[] = [];
  try {
    Deno.stderr.writeSync(encoder.encode(prompt));
    const buffer = new Uint8Array(256);
    while (true) {
      const count = await untilAborted(Deno.stdin.read(buffer), signal);
      if (count === null) break;
      for (const byte of buffer.subarray(0, count)) {
        if (ENTER.has(byte)) return typedText(typed);
        if (byte === CTRL_C) throw new CliError("Login cancelled", EXIT.INTERRUPTED);
        if (byte === CTRL_D) throw new CliError("Login cancelled", EXIT.AUTH);
        if (BACKSPACE.has(byte)) {
          // Drop a whole UTF-8 character: continuation bytes, then its first byte.
          while (typed.length > 0 && (typed[typed.length - 1] & 0xc0) === 0x80) typed.pop();
          typed.pop();
        } else {
          typed.push(byte);
        }
      }
    }
    return typedText(typed);
  } finally {
    Deno.stdin.setRaw(false);
    Deno.stderr.writeSync(encoder.encode("\n"));
  }
}

/**
 * The password typed, refused when it is not UTF-8 (a terminal set to Latin-1): as U+FFFD it
 * would fail as a wrong password. No byte of it is shown.
 */
function typedText(typed: number[]): string {
  const text = utf8Text(new Uint8Array(typed));
  if (text !== undefined) return text;
  throw new UsageError("The password typed is not valid UTF-8: check the terminal's encoding");
}

/** The first line of standard input (without its CR LF or LF), refused when not UTF-8. */
async function firstLine(signal?: AbortSignal): Promise<string> {
  const reader = Deno.stdin.readable.getReader();
  let bytes = new Uint8Array(0);
  let end = -1; // where the first LF is
  try {
    while (end < 0) {
      const { value, done } = await untilAborted(reader.read(), signal);
      if (done) break;
      const found = value.indexOf(LF);
      if (found >= 0) end = bytes.length + found;
      const joined = new Uint8Array(bytes.length + value.length);
      joined.set(bytes);
      joined.set(value, bytes.length);
      bytes = joined;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const line = end < 0
    ? bytes
    : bytes.subarray(0, end > 0 && bytes[end - 1] === CR ? end - 1 : end);
  const text = utf8Text(line);
  if (text !== undefined) return text;
  throw new UsageError(
    "The password read from standard input is not valid UTF-8: give it in UTF-8",
  );
}
