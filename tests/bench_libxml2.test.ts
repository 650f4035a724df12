import { ok, strictEqual } from "node:assert/strict";
import { loadLibxml2Sax } from "../bench/libxml2_sax.ts";
import { saxesElements } from "../bench/saxes_elements.ts";
import { smallCorpora } from "../bench/xml_corpora.ts";
import { rewritesOf } from "../bench/xml_rewrites.ts";

/** Whether `command args` runs and succeeds here. */
async function succeeds(command: string, ...args: string[]): Promise<boolean> {
  try {
    return (await new Deno.Command(command, { args, stdout: "null", stderr: "null" }).output())
      .success;
  } catch {
    return false;
  }
}

const tools = await succeeds("cc", "--version") &&
  await succeeds("pkg-config", "--exists", "libxml-2.0");

Deno.test({
  name: "the bench's libxml2 contender builds and sees saxes' elements in every small corpus",
  ignore: !tools,
  async fn() {
    const libxml2 = await loadLibxml2Sax();
    if (typeof libxml2 === "string") throw new Error(libxml2);
    using parser = libxml2;
    for (const corpus of smallCorpora()) {
      for (const bytes of [corpus.bytes, ...rewritesOf(corpus.bytes).values()]) {
        const elements = saxesElements(new TextDecoder().decode(bytes));
        const read = parser.parse(bytes, 3);
        strictEqual(read.code, 0, corpus.name);
        strictEqual(read.elements, elements, corpus.name);
      }
    }
    ok(parser.parse(new TextEncoder().encode("<vm><name>x</vm>")).code !== 0);
  },
});
