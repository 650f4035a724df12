/**
 * Bringing VMs and templates into the engine: importing a VM copy from an export domain,
 * registering a VM found on an imported data domain (listed with `unregistered=true`),
 * and importing from outside (VMware, KVM, Xen, OVA files on a host) through
 * `externalvmimports` and `externaltemplateimports`. What is imported is `image_locked`
 * (`locked` for templates) while its disks are copied, then `down` (`ok`).
 *
 * @module
 */

import { badParameters, conflict, type Refusal } from "../answers.ts";
import { type Behaviour, type Call, flag } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import { itemsOf } from "../collections.ts";
import { withReferences } from "../generic.ts";
import { ZERO_ID } from "../model.ts";
import type { Entity } from "../store.ts";
import { createDisk } from "./disks.ts";
import { transition } from "./lifecycle.ts";
import { createVm } from "./vm_creation.ts";

const GIB = 1024 ** 3;

/**
 * Hidden (non-model) property of a VM or template copy on a storage domain: it belongs to
 * no engine yet (a data domain imported from another setup).
 */
export const UNREGISTERED = "$unregistered";

/**
 * The VMs or templates of a storage domain (see `collections.ts`): with
 * `unregistered=true` the unregistered ones only, otherwise the others.
 */
const onDomain: Behaviour = {
  list: (call) =>
    itemsOf(call.engine, call.location).filter((item) =>
      (item[UNREGISTERED] === true) === flag(call, "unregistered")
    ),
};

/** Whether `item` is a copy stored on the storage domain, not one of the engine's own. */
function isCopy(call: Call, item: Entity): boolean {
  return call.engine.store.get(call.location.parent!.path, item.id) !== undefined;
}

/** Removing a VM or template from a storage domain: only copies stored there can go. */
function removeCopy(label: string): Behaviour["remove"] {
  return (call, item) => {
    if (!isCopy(call, item)) {
      throw conflict(`Cannot remove ${label} from the Storage Domain. The ${label} is in use.`);
    }
    call.engine.store.delete(call.location.parent!.path, item.id);
    return true;
  };
}

/** Creates a VM in `vms` from the copy at `call.location` (same id unless `newId`). */
function vmFromCopy(
  call: Call,
  copy: Entity,
  params: Record<string, unknown>,
  newId: boolean,
): Entity {
  const { id, status: _status, storageDomain: _domain, [UNREGISTERED]: _flag, ...settings } = copy;
  const wanted = (params.vm ?? {}) as Record<string, unknown>;
  const body = {
    ...settings,
    ...(params.cluster ? { cluster: params.cluster } : {}),
    ...(typeof wanted.name === "string" ? { name: wanted.name } : {}),
  };
  return createVm(call.engine, body, call.location.path, newId ? undefined : id);
}

const vmCopy: Behaviour = {
  actions: {
    import: (call, copy, params) => {
      if (!isCopy(call, copy!)) {
        throw conflict("Cannot import VM. The VM is not on an export Storage Domain.");
      }
      // `ImportVmCommand` has no cluster but the one named (the REST layer asks for none).
      if (!params.cluster) throw noCluster();
      if (params.clone !== true && call.engine.store.get("vms", copy!.id)) {
        throw conflict("Cannot import VM. VM with the same identifier already exists.");
      }
      const vm = vmFromCopy(call, copy!, params, params.clone === true);
      lockWhileCopying(call.engine, vm);
    },
    register: (call, copy, params) => {
      if (copy![UNREGISTERED] !== true) {
        throw conflict("Cannot register VM. The VM is already registered.");
      }
      // Without one named, the engine takes the cluster the VM's configuration names, if any.
      if (!params.cluster && !copy!.cluster) throw noCluster();
      vmFromCopy(call, copy!, params, false);
      call.engine.store.delete(call.location.parent!.path, copy!.id);
    },
  },
};

/** The engine's refusal of an import with no cluster to put the VM in. */
function noCluster(): Refusal {
  return badParameters("Cannot import VM. The relevant Cluster doesn't exist.");
}

/** Shows `vm` as `image_locked` for one step, as while its disks are copied. */
function lockWhileCopying(engine: Engine, vm: Entity): void {
  transition(engine, "vms", vm.id, { status: "image_locked" }, [{ status: "down" }]);
}

/** The file name of an import URL without its extension (`ova:///vms/web.ova` -> `web`). */
function baseName(url: unknown): string | undefined {
  const last = String(url ?? "").split(/[/?]/).filter((part) => part !== "").at(-1);
  return last?.replace(/\.ova$/i, "");
}

/** Adds a new bootable disk for an imported VM or template to `owner` (`vms/{id}`, ...). */
function addImportedDisk(
  engine: Engine,
  ownerPath: string,
  owner: Record<string, Reference>,
  name: string,
  body: Record<string, unknown>,
): void {
  const disk = createDisk(engine, {
    name: `${name}_disk1`,
    provisionedSize: 20 * GIB,
    sparse: body.sparse !== false,
    format: body.sparse === false ? "raw" : "cow",
    storageDomains: body.storageDomain ? [body.storageDomain] : undefined,
  });
  engine.store.put(`${ownerPath}/diskattachments`, {
    id: disk.id,
    disk: engine.referenceTo("disks", disk.id),
    interface: "virtio_scsi",
    bootable: true,
    active: true,
    passDiscard: false,
    readOnly: false,
    usesScsiReservation: false,
    ...owner,
  });
}

const externalVmImports: Behaviour = {
  add(call, body) {
    const { engine } = call;
    // `vm` describes the VM to create: it names no existing one.
    const { vm: _vm, ...request } = body;
    const described = withReferences(engine, "ExternalVmImport", request);
    const name = (body.name as string | undefined) ?? baseName(body.url) ?? "imported";
    const vm = createVm(engine, {
      name,
      cluster: described.cluster,
      template: { id: ZERO_ID },
      origin: body.provider ?? "external",
    });
    const path = `vms/${encodeURIComponent(vm.id)}`;
    addImportedDisk(engine, path, { vm: engine.referenceTo("vms", vm.id) }, name, described);
    lockWhileCopying(engine, vm);
    const { password: _password, ...shown } = described;
    return { ...shown, id: vm.id, name, vm: engine.referenceTo("vms", vm.id) };
  },
};

const externalTemplateImports: Behaviour = {
  add(call, body) {
    const { engine } = call;
    // `template` describes the template to create: it names no existing one.
    const { template: wanted = {}, ...request } = body as { template?: Record<string, unknown> };
    const described = withReferences(engine, "ExternalTemplateImport", request);
    const name = (wanted.name as string | undefined) ?? baseName(body.url) ?? "imported";
    const id = engine.newId();
    const template = engine.referenceTo("templates", id);
    engine.store.put("templates", {
      type: "server",
      memory: GIB,
      cpu: { architecture: "x86_64", topology: { sockets: 1, cores: 1, threads: 1 } },
      os: { type: "other", boot: { devices: ["hd"] } },
      stateless: false,
      deleteProtected: false,
      ...withReferences(engine, "Template", wanted),
      id,
      name,
      cluster: described.cluster,
      origin: "ova",
      status: "locked",
      creationTime: new Date(),
      version: { versionNumber: 1, baseTemplate: template },
    });
    addImportedDisk(engine, `templates/${encodeURIComponent(id)}`, { template }, name, described);
    transition(engine, "templates", id, {}, [{ status: "ok" }]);
    return { ...described, id, template };
  },
};

/** Behaviours of the import services, by service name. */
export const IMPORT_BEHAVIOURS: Record<string, Behaviour> = {
  StorageDomainVmsService: onDomain,
  StorageDomainTemplatesService: onDomain,
  StorageDomainVmService: { ...vmCopy, remove: removeCopy("VM") },
  StorageDomainTemplateService: { remove: removeCopy("Template") },
  ExternalVmImportsService: externalVmImports,
  ExternalTemplateImportsService: externalTemplateImports,
};
