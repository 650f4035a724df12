/**
 * Which proxy a request goes through, as the usual environment variables say:
 * `HTTPS_PROXY` for `https:` URLs, `HTTP_PROXY` for `http:` ones (lower-case spellings too),
 * except for hosts that `NO_PROXY` lists. Deno's `fetch` applies the same rules itself; the
 * `node:https` transport asks here. A variable the script may not read counts as unset.
 *
 * @module
 */

/** The proxy for `url`: `explicit` when given, else the environment's choice, else none. */
export function proxyFor(url: URL, explicit?: URL): URL | undefined {
  if (explicit) return explicit;
  const variable = url.protocol === "https:" ? "https_proxy" : "http_proxy";
  const proxy = readEnv(variable.toUpperCase()) ?? readEnv(variable);
  if (!proxy || bypassed(url, readEnv("NO_PROXY") ?? readEnv("no_proxy") ?? "")) {
    return undefined;
  }
  try {
    return new URL(proxy.includes("://") ? proxy : `http://${proxy}`);
  } catch {
    return undefined;
  }
}

/**
 * Whether `NO_PROXY` (a comma-separated list of `*`, host names, `.domain` suffixes, with
 * optional ports) sends `url` direct.
 */
export function bypassed(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return true;
    const [name, entryPort] = splitPort(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    const domain = name.replace(/^\*?\./, "");
    if (host === domain || host.endsWith(`.${domain}`)) return true;
  }
  return false;
}

/** An entry's host and port: `host`, `host:port`, `[v6]:port`, or a bare IPv6 address. */
function splitPort(entry: string): [string, string | undefined] {
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return [bracketed[1], bracketed[2]];
  if (entry.indexOf(":") !== entry.lastIndexOf(":")) return [entry, undefined];
  const match = /^(.*?)(?::(\d+))?$/.exec(entry)!;
  return [match[1], match[2]];
}

function readEnv(name: string): string | undefined {
  const state = Deno.permissions.querySync?.({ name: "env", variable: name }).state;
  return state === "granted" ? Deno.env.get(name) : undefined;
}
