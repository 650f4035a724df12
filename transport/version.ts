/**
 * The SDK version, as a constant so that compiled programs need no file access to know it.
 * Keep it equal to `version` in `deno.json` (a test checks this).
 *
 * @module
 */

/** Version of this SDK, sent in the `User-Agent` header. */
export const SDK_VERSION = "0.1.0";

/** The `User-Agent` header value of every request. */
export const USER_AGENT = `ovirt-sdk-deno/${SDK_VERSION}`;
