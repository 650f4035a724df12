/**
 * Glance, the OpenStack image service every engine knows as `ovirt-image-repository`: an
 * image provider, seen as a storage domain of type `image` whose images can be imported
 * into a data domain, as a disk or as a template with that disk (both `locked` for a step
 * while the engine downloads the image).
 *
 * @module
 */

import { incomplete } from "../answers.ts";
import type { Behaviour } from "../behaviour.ts";
import type { Engine } from "../engine.ts";
import { createDisk } from "./disks.ts";
import { templateWithDisks } from "./ovf_import.ts";

const MIB = 1024 ** 2;

/** The images of the public repository: name and virtual size. */
const IMAGES = [
  ["CirrOS 0.5.2 for x86_64 glance image", 112 * MIB],
  ["Fedora 38 Cloud Base Image v1.6 for x86_64", 5 * 1024 * MIB],
] as const;

/** Adds the `ovirt-image-repository` provider and its storage domain with their images. */
export function seedGlance(engine: Engine): void {
  const name = "ovirt-image-repository";
  const url = "http://glance.ovirt.org:9292";
  const provider = engine.store.put("openstackimageproviders", {
    id: engine.newId(),
    name,
    description: "Public Glance repository for oVirt",
    url,
    requiresAuthentication: false,
  });
  const domain = engine.store.put("storagedomains", {
    id: engine.newId(),
    name,
    description: "Public Glance repository for oVirt",
    type: "image",
    status: "unattached",
    externalStatus: "ok",
    master: false,
    storage: { type: "glance", address: url },
    dataCenters: [],
  });
  for (const [imageName, size] of IMAGES) {
    const id = engine.newId();
    engine.store.put(`storagedomains/${encodeURIComponent(domain.id)}/images`, {
      id,
      name: imageName,
      size,
      type: "disk",
      storageDomain: engine.referenceTo("storagedomains", domain.id),
    });
    engine.store.put(`openstackimageproviders/${encodeURIComponent(provider.id)}/images`, {
      id,
      name: imageName,
      openstackImageProvider: engine.referenceTo("openstackimageproviders", provider.id),
    });
  }
}

const image: Behaviour = {
  actions: {
    import: (call, entity, params) => {
      const { engine } = call;
      const target = params.storageDomain as Record<string, unknown> | undefined;
      if (!target) throw incomplete("Action", ["storage_domain.id|name"], "import");
      const domain = engine.resolve("StorageDomain", target);
      const disk = createDisk(engine, {
        name: (params.disk as { name?: string } | undefined)?.name ?? entity!.name,
        description: `Imported from Glance image ${entity!.name}`,
        format: "cow",
        provisionedSize: entity!.size,
        storageDomains: [domain],
      });
      if (params.importAsTemplate !== true) return;
      const template = params.template as { name?: string } | undefined;
      if (!template?.name || !params.cluster) {
        throw incomplete("Action", ["template.name", "cluster.id|name"], "import");
      }
      templateWithDisks(engine, template.name, { cluster: params.cluster }, [disk.id]);
    },
  },
};

/** Behaviours of the Glance image services, by service name. */
export const GLANCE_BEHAVIOURS: Record<string, Behaviour> = { ImageService: image };
