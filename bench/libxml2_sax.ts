/**
 * libxml2's SAX parser as a bench contender: compiles `libxml2_sax.c` (empty SAX2 callbacks that
 * count the start tags) against the system's libxml2 with `cc` and `pkg-config`, and loads it
 * with `Deno.dlopen` (needs `--allow-run --allow-write --allow-ffi`). On Debian:
 * `apt-get install libxml2-dev`.
 *
 * @module
 */

const SYMBOLS = {
  libxml2_sax_parse: { parameters: ["buffer", "i32", "i32", "buffer"], result: "i32" },
} as const;

/** libxml2's SAX parser, loaded. */
export interface Libxml2Sax extends Disposable {
  /** The library's version, e.g. `"2.9.14"`. */
  readonly version: string;
  /**
   * Parses `bytes` (UTF-8) `times` times; returns libxml2's code (0: well-formed) and the number
   * of start tags of one parse.
   */
  parse(bytes: Uint8Array, times?: number): { code: number; elements: number };
}

async function run(command: string, args: string[]): Promise<string> {
  const { success, stdout, stderr } = await new Deno.Command(command, { args, stderr: "piped" })
    .output();
  const decoder = new TextDecoder();
  const message = decoder.decode(stderr).trim().split("\n")[0];
  if (!success) throw new Error(`${command} failed: ${message}`);
  return decoder.decode(stdout).trim();
}

/**
 * Builds and loads the shim, or returns why it cannot: a missing `cc`, `pkg-config` or
 * libxml2-dev, or no permission to run them or to load the library.
 */
export async function loadLibxml2Sax(): Promise<Libxml2Sax | string> {
  let directory: string | undefined;
  try {
    directory = await Deno.makeTempDir({ prefix: "libxml2_sax" });
    const flags = await run("pkg-config", ["--cflags", "--libs", "libxml-2.0"]);
    const version = await run("pkg-config", ["--modversion", "libxml-2.0"]);
    const path = `${directory}/libxml2_sax.so`;
    const source = new URL("./libxml2_sax.c", import.meta.url).pathname;
    await run("cc", ["-O2", "-shared", "-fPIC", "-o", path, source, ...flags.split(/\s+/)]);
    const library = Deno.dlopen(path, SYMBOLS);
    const elements = new Int32Array(1);
    return {
      version,
      parse(bytes, times = 1) {
        const code = library.symbols.libxml2_sax_parse(bytes, bytes.length, times, elements);
        return { code, elements: elements[0] };
      },
      [Symbol.dispose]: () => library.close(),
    };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    if (directory) await Deno.remove(directory, { recursive: true });
  }
}
