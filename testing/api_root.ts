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

/** The `<api>` document of `engine`. */
export function apiDocument(engine: Engine): string {
  const { store } = engine;
  const admin = store.find("users", (user) => user.userName === "admin@internal");
  const adminRef = admin ? engine.referenceTo("users", admin.id) : undefined;
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
      vms: count("vms", (vm) => vm.status === "up"),
      hosts: count("hosts", (host) => host.status === "up"),
      users: count("users", () => true),
      storageDomains: count("storagedomains", (domain) => domain.externalStatus !== "error"),
    },
    time: new Date(),
    authenticatedUser: adminRef,
    effectiveUser: adminRef,
  };
  const xml = writeStruct("Api", api);
  const headEnd = xml.indexOf(">");
  return xml.slice(0, headEnd + 1) + links() + xml.slice(headEnd + 1);
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
