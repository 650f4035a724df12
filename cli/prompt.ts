/**
 * Asking for a password: on a terminal, without echo (raw mode, the typed characters
 * never shown); from a pipe, the first line of standard input.
 *
 * @module
 */

import { untilAborted } from "../transport/abortable.ts";
import { CliError, EXIT } from "./errors.ts";

const ENTER = new Set([0x0a, 0x0d]);
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
        if (ENTER.has(byte)) return new TextDecoder().decode(new Uint8Array(typed));
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
    return new TextDecoder().decode(new Uint8Array(typed));
  } finally {
    Deno.stdin.setRaw(false);
    Deno.stderr.writeSync(encoder.encode("\n"));
  }
}

async function firstLine(signal?: AbortSignal): Promise<string> {
  const reader = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { value, done } = await untilAborted(reader.read(), signal);
      if (done) break;
      text += value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text.split(/\r?\n/, 1)[0];
}
