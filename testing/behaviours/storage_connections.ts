/**
 * What the engine checks before it makes a new storage domain: the REST layer looks the
 * `host` up by name (404 when there is none); for a file domain given as an address and
 * path it first adds a storage server connection through that host
 * (`AddStorageServerConnectionCommand`), refused when another connection has the same
 * details (NFS, POSIX and Gluster: `address:path`) or when the host is not `up`. Each new
 * file domain keeps the id of its connection, for the engine's message naming it.
 *
 * @module
 */

import { badParameters, conflict, notFound } from "../answers.ts";
import type { Engine } from "../engine.ts";
import type { Entity } from "../store.ts";

/** Hidden property of a storage domain: the id of its storage server connection. */
export const CONNECTION = "$connection";

/** Storage types whose connections the engine compares by `address:path` (or path). */
const SHARED_FILE_TYPES = new Set(["nfs", "posixfs", "glusterfs"]);

interface HostStorage {
  readonly id?: string;
  readonly type?: string;
  readonly address?: string;
  readonly path?: string;
}

/** The engine's connection text of `storage` (`address:path`, or the path alone). */
function connectionText(storage: HostStorage): string | undefined {
  if (storage.address !== undefined && storage.path !== undefined) {
    return `${storage.address}:${storage.path}`;
  }
  return storage.type === "nfs" ? undefined : storage.path;
}

/** The host a new domain names: by id, or by name (404 when no host has it). */
function hostOf(engine: Engine, host: unknown): Entity | undefined {
  const named = (host ?? {}) as { id?: string; name?: string };
  if (named.id !== undefined) return engine.store.get("hosts", named.id);
  if (named.name === undefined) return undefined;
  const found = engine.store.find("hosts", (entity) => entity.name === named.name);
  if (!found) throw notFound(`Hosts: name=${named.name}`);
  return found;
}

/**
 * Refuses a new storage domain whose `host` does not exist, and a file domain given as a
 * connection (not a connection id) whose host is not `up` or whose export another domain
 * already uses; returns the id of the connection a file domain gets.
 */
export function checkNewDomain(
  engine: Engine,
  host: unknown,
  storage: unknown,
): string | undefined {
  const found = hostOf(engine, host);
  const given = (storage ?? {}) as HostStorage;
  if (!SHARED_FILE_TYPES.has(given.type ?? "") || given.id !== undefined) return undefined;
  const text = connectionText(given);
  const same = text === undefined ? undefined : engine.store.find("storagedomains", (domain) => {
    const other = (domain.storage ?? {}) as HostStorage;
    return SHARED_FILE_TYPES.has(other.type ?? "") && connectionText(other) === text;
  });
  if (same) {
    const id = (same[CONNECTION] as string | undefined) ?? engine.newId();
    engine.store.put("storagedomains", { ...same, [CONNECTION]: id });
    throw conflict(
      `Cannot add Storage Connection. Storage connection ${id} already exists for ${same.name}.`,
    );
  }
  if (!found) throw badParameters("Cannot add Storage Connection. Invalid Host Id.");
  if (found.status !== "up") {
    throw conflict("Cannot add storage server connection when Host status is not up");
  }
  return engine.newId();
}
