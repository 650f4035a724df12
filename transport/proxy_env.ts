/**
 * Which proxy a request goes through, by the rules Deno's `fetch` applies itself (measured
 * with Deno 2.9): `NO_PROXY` (else `no_proxy`) sends a listed host direct, even past the
 * `proxy` option; else the option, else `ALL_PROXY`, then `HTTPS_PROXY` for `https:` URLs or
 * `HTTP_PROXY` for `http:` ones (not in a CGI script, where `REQUEST_METHOD` is set), each
 * spelling tried in upper case, then in lower case when unset or not a proxy URL. The
 * `node:https` transport and the connect probe ask here, so that every request of a
 * connection takes the route `fetch` takes. A variable the script may not read counts as
 * unset here; `fetch` reads it all the same (see {@link unreadableProxyVariables}).
 *
 * @module
 */

import { envValue } from "./env_value.ts";

/** The proxy for `url`: `explicit` when given, else the environment's choice, else none. */
export function proxyFor(url: URL, explicit?: URL): URL | undefined {
  if (bypassed(url, readEnv("NO_PROXY") ?? readEnv("no_proxy") ?? "")) return undefined;
  if (explicit) return explicit;
  const all = fromEnv("ALL_PROXY");
  if (all) return all;
  if (url.protocol === "https:") return fromEnv("HTTPS_PROXY");
  return readEnv("REQUEST_METHOD") === undefined ? fromEnv("HTTP_PROXY") : undefined;
}

/**
 * Whether `NO_PROXY` (a comma-separated list) sends `url` direct, as Deno's `fetch` decides:
 * a host given as an IP address matches entries that are that address or a network holding
 * it (`10.0.0.0/8`, `fd00::/8`); a host name matches `*` and entries that are that name or a
 * domain above it (`example.com` and `.example.com` alike). Nothing else matches: not an entry
 * with a port, nor `*.example.com`, nor `*` for an IP address.
 */
export function bypassed(url: URL, noProxy: string): boolean {
  if (noProxy === "") return false;
  const entries = noProxy.split(",").map((entry) => entry.trim());
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const address = ipAddress(host);
  if (address) return entries.some((entry) => ipEntryHolds(entry, address));
  return entries.some((entry) => domainEntryHolds(entry, host));
}

/** Whether the `NO_PROXY` entry `entry`, an address or a network, holds `address`. */
function ipEntryHolds(entry: string, address: Uint8Array): boolean {
  const [base, bits, ...rest] = entry.split("/");
  const network = ipAddress(base);
  if (network === undefined || rest.length > 0 || network.length !== address.length) return false;
  const length = bits === undefined ? network.length * 8 : /^\d{1,3}$/.test(bits) ? +bits : -1;
  if (length < 0 || length > network.length * 8) return false;
  for (let bit = 0; bit < length; bit += 8) {
    const mask = (0xff << (8 - Math.min(8, length - bit))) & 0xff;
    if ((network[bit / 8] & mask) !== (address[bit / 8] & mask)) return false;
  }
  return true;
}

/** Whether the `NO_PROXY` entry `entry`, a name, `.domain` or `*`, holds the host name `host`. */
function domainEntryHolds(entry: string, host: string): boolean {
  if (entry === host || entry === `.${host}`) return true;
  if (host.endsWith(entry)) return entry.startsWith(".") || host.at(-entry.length - 1) === ".";
  return entry === "*";
}

/** The bytes of an IPv4 (dotted quad) or IPv6 address, `undefined` for anything else. */
function ipAddress(text: string): Uint8Array | undefined {
  const quad = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (quad) {
    const parts = quad.slice(1);
    if (parts.some((part) => +part > 255 || (part.length > 1 && part.startsWith("0")))) return;
    return Uint8Array.from(parts, Number);
  }
  if (!text.includes(":") || !/^[\d.:a-f]+$/i.test(text)) return undefined;
  let normal: string;
  try {
    normal = new URL(`http://[${text}]/`).hostname.slice(1, -1); // only hex groups and `::`
  } catch {
    return undefined;
  }
  const [head, tail] = normal.split("::");
  const groups = (part?: string) => part ? part.split(":").map((group) => parseInt(group, 16)) : [];
  const before = groups(head), after = groups(tail);
  const all = [...before, ...Array(8 - before.length - after.length).fill(0), ...after];
  return Uint8Array.from(all.flatMap((group) => [group >> 8, group & 0xff]));
}

/** The proxy `name` (else its lower-case spelling) names, if it is one `fetch` can use. */
function fromEnv(name: string): URL | undefined {
  return proxyUrl(readEnv(name)) ?? proxyUrl(readEnv(name.toLowerCase()));
}

/** `value` as a proxy URL (`http://` when it has no scheme), `undefined` when it is none. */
function proxyUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value.includes("://") ? value : `http://${value}`);
    return /^(https?|socks5h?):$/.test(url.protocol) && url.hostname !== "" ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The variables deciding the proxy that Deno's `fetch` reads (without any permission) and this
 * script may not: with an `explicit` proxy, only `NO_PROXY`'s spellings matter.
 */
export function unreadableProxyVariables(explicit: boolean): string[] {
  const noProxy = ["NO_PROXY", "no_proxy"];
  const names = explicit ? noProxy : [
    ...noProxy,
    ...["ALL_PROXY", "HTTPS_PROXY", "HTTP_PROXY"].flatMap((name) => [name, name.toLowerCase()]),
  ];
  return names.filter((name) => !mayRead(name));
}

function readEnv(name: string): string | undefined {
  return mayRead(name) ? envValue(name) : undefined;
}

function mayRead(name: string): boolean {
  return Deno.permissions.querySync?.({ name: "env", variable: name }).state === "granted";
}
