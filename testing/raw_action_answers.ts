/**
 * Actions the engine answers with bytes of another kind than XML: a VM's `screenshot` is
 * the image itself (PNG), which the model does not describe, so that a client expecting
 * an `<action>` fails here as it would against an engine.
 *
 * @module
 */

/** A PNG image of one transparent pixel. */
const PIXEL = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  ),
  (char) => char.charCodeAt(0),
);

/** The raw answers, by service name and action segment. */
const RAW_ANSWERS: Readonly<Record<string, Readonly<Record<string, () => Response>>>> = {
  VmService: {
    screenshot: () => new Response(PIXEL, { headers: { "content-type": "image/png" } }),
  },
};

/** The answer the engine gives action `segment` of `service` when it is not XML. */
export function rawActionAnswer(service: string, segment: string): Response | undefined {
  return RAW_ANSWERS[service]?.[segment]?.();
}
