/**
 * The API root document (`GET /ovirt-engine/api`): a `<link>` per top-level collection
 * (plus a `search` link for searchable ones), product information, special objects, a
 * summary and the authenticated user.
 *
 * @module
 */

import { writeStruct } from "../transport/xml/writer.ts";
import type { Engine } from "./engine.ts";
import { API_PREFIX, methodOf, ROOT, ZERO_ID } from "./model.ts";
import { SERVICES } from "../services/metadata.ts";
import { signedInUser } from "./signed_in_user.ts";

/** The `<api>` document of `engine`. */
export function apiDocument(engine: Engine): string {
  const { store } = engine;
  const user = signedInUser(engine);
  const userRef = user ? engine.referenceTo("users", user.id) : undefined;
  const count = (collection: string, active: (entity: Record<string, unknown>) => boolean) => {
    const items = store.items(collection);
    return { total: items.length, active: items.filter(active).length };
  };
  const api = {
    productInfo: {
      name: "oVirt Engine",
      vendor: "ovirt.org",
      instanceId: "00000000-0000-0000-0000-0000005ad5ad",
      version: {
        major: 4,
        minor: 5,
        build: 6,
        revision: 0,
        fullVersion: "4.5.6-1.el9 (simulator)",
      },
    },
    specialObjects: {
      blankTemplate: engine.referenceTo("templates", ZERO_ID),
      rootTag: engine.referenceTo("tags", ZERO_ID),
    },
    summary: {
      vms: count("vms", (vm) => ACTIVE_VM.has(vm.status as string)),
      hosts: count("hosts", (host) => ACTIVE_HOST.has(host.status as string)),
      users: count("users", () => true),
      storageDomains: {
        total: store.items("storagedomains").length,
        active: activeAttachments(engine),
      },
    },
    time: new Date(),
    authenticatedUser: userRef,
    effectiveUser: userRef,
  };
  const xml = writeStruct("Api", api);
  const headEnd = xml.indexOf(">");
  return xml.slice(0, headEnd + 1) + links() + xml.slice(headEnd + 1);
}

/**
 * VM statuses the engine's summary counts as active (its `GetSystemStatisticsQuery`). A
 * migrating VM is not: the engine stores it as migrating from its host, a status not in
 * its list.
 */
const ACTIVE_VM: ReadonlySet<string> = new Set([
  "up",
  "powering_up",
  "wait_for_launch",
  "reboot_in_progress",
  "powering_down",
  "paused",
  "unknown",
]);

/** Host statuses the engine's summary counts as active. */
const ACTIVE_HOST: ReadonlySet<string> = new Set(["up", "preparing_for_maintenance"]);

/**
 * Active storage domains as the engine counts them: attachments to data centers whose
 * status there is `active` (an unattached domain is never active).
 */
function activeAttachments(engine: Engine): number {
  return engine.store.items("datacenters").flatMap((dataCenter) =>
    engine.store.items(`datacenters/${encodeURIComponent(dataCenter.id)}/storagedomains`)
  ).filter((attachment) => attachment.status === "active").length;
}

function links(): string {
  let xml = "";
  for (const locator of ROOT.locators) {
    if (!locator.segment || locator.segment === "options") continue;
    const href = `${API_PREFIX}/${locator.segment}`;
    xml += `<link href="${href}" rel="${locator.segment}"/>`;
    const list = methodOf(SERVICES[locator.service], "list");
    if (list?.params.some((param) => param.wire === "search")) {
      xml += `<link href="${href}?search={query}" rel="${locator.segment}/search"/>`;
    }
  }
  return xml;
}
