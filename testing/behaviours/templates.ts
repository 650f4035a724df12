/**
 * Templates: made from a VM that is down and has no snapshot being taken or merged (`locked`,
 * then `ok`; the VM is `image_locked` meanwhile, and its disks, NICs and consoles are copied) or from an OVF configuration
 * (`ovf_import.ts`). A new template's name is unique in its data center (Blank's name in
 * all), unless it is a new version of a base template (`version.base_template`), whose name
 * it takes. Its name holds only the characters the engine allows (`names.ts`). A template
 * is removed only when no VM uses it and it is not delete-protected; the Blank template
 * never is. Exported like VMs (`exports.ts`).
 *
 * @module
 */

import { conflict } from "../answers.ts";
import type { Behaviour } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import { updateObject, withReferences } from "../generic.ts";
import { ZERO_ID } from "../model.ts";
import type { Entity } from "../store.ts";
import { checkNameCharacters } from "../names.ts";
import { checkUniqueName } from "../unique_names.ts";
import { copyDevices } from "./devices.ts";
import { deleteDisk } from "./disks.ts";
import { exportTemplate } from "./exports.ts";
import { transition } from "./lifecycle.ts";
import { checkNotExporting } from "./ova_locks.ts";
import { configurationOf, templateFromConfiguration } from "./ovf_import.ts";
import { checkNotDuringSnapshot } from "./snapshot_restore.ts";

/** Members a template takes from its VM unless the request sets them. */
const FROM_VM = [
  "memory",
  "memoryPolicy",
  "cpu",
  "os",
  "type",
  "bios",
  "display",
  "cluster",
  "highAvailability",
  "usb",
];

/**
 * The template a new template is a version of (`version.base_template`), if it is one: it
 * must exist, be a first version and not be Blank.
 */
function baseTemplateOf(engine: Engine, body: Record<string, unknown>): Entity | undefined {
  const version = body.version as { baseTemplate?: { id?: string } } | undefined;
  const wanted = version?.baseTemplate?.id;
  if (wanted === undefined) return undefined;
  const base = engine.store.get("templates", wanted);
  if (!base) throw conflict("Cannot add Template. The relevant Template doesn't exist.");
  if (base.id === ZERO_ID) throw conflict("Blank template can't have sub-templates.");
  if ((base.version as { baseTemplate?: Reference } | undefined)?.baseTemplate?.id !== base.id) {
    throw conflict(
      "Cannot add Template. Only the first template version can be selected as the base template.",
    );
  }
  return base;
}

/** The highest version number of the versions of base template `baseId`. */
function lastVersion(engine: Engine, baseId: string): number {
  return Math.max(
    ...engine.store.items("templates").map((template) => {
      const version = template.version as
        | { versionNumber?: number; baseTemplate?: Reference }
        | undefined;
      return version?.baseTemplate?.id === baseId ? version.versionNumber ?? 1 : 0;
    }),
  );
}

function createTemplate(engine: Engine, body: Record<string, unknown>): Entity {
  checkNameCharacters(body.name, "add", "Template");
  const described = withReferences(engine, "Template", body);
  const source = engine.store.get("vms", (described.vm as Reference).id)!;
  // From a snapshot of the VM (not its active state), the engine neither needs the VM down
  // nor locks it.
  const snapshots = (body.vm as { snapshots?: unknown } | undefined)?.snapshots;
  const fromSnapshot = Array.isArray(snapshots) && snapshots.length > 0;
  if (!fromSnapshot && source.status === "image_locked") {
    throw conflict("Cannot add Template: VM is locked. Please try again in a few minutes.");
  }
  checkNotDuringSnapshot(engine, source.id, "add Template");
  if (!fromSnapshot && source.status !== "down") {
    throw conflict(
      "Cannot add Template. VM is locked or still running, try again once VM is in the Down state.",
    );
  }
  const copied = Object.fromEntries(
    FROM_VM.filter((name) => source[name] !== undefined).map((name) => [name, source[name]]),
  );
  const { vm: _vm, ...settings } = described;
  const wanted = { ...copied, ...settings };
  const base = baseTemplateOf(engine, body);
  if (!base) {
    checkUniqueName(
      engine,
      "TemplatesService",
      "Template",
      wanted,
      engine.store.items("templates"),
    );
  }
  const id = engine.newId();
  engine.store.put("templates", {
    ...wanted,
    ...(base ? { name: base.name } : {}),
    id,
    status: "locked",
    creationTime: new Date(),
    version: {
      ...(body.version as object | undefined),
      versionNumber: base ? lastVersion(engine, base.id) + 1 : 1,
      baseTemplate: engine.referenceTo("templates", base?.id ?? id),
    },
  });
  const owner = { template: engine.referenceTo("templates", id) };
  copyDevices(
    engine,
    `vms/${encodeURIComponent(source.id)}`,
    `templates/${encodeURIComponent(id)}`,
    owner,
  );
  if (!fromSnapshot) {
    transition(engine, "vms", source.id, { status: "image_locked" }, [{ status: "down" }]);
  }
  return transition(engine, "templates", id, {}, [{ status: "ok" }]);
}

const template: Behaviour = {
  update(call, entity, changes) {
    checkNameCharacters(changes.name, "edit", "Template");
    return updateObject(call.engine, call.location.parent!, entity, changes);
  },
  remove(call, entity) {
    if (entity.id === ZERO_ID) {
      throw conflict("Cannot delete Template. Removing the Blank Template is not allowed.");
    }
    if (entity.deleteProtected === true) {
      throw conflict(
        "Cannot remove Template. Delete protection is enabled. In order to delete, disable Delete protection first.",
      );
    }
    if (entity.status === "locked") throw conflict("Cannot delete Template. Template is locked.");
    checkNotExporting(entity, "remove Template", "Template");
    const users = call.engine.store.items("vms").filter((vm) =>
      (vm.template as Reference | undefined)?.id === entity.id
    );
    if (users.length) {
      const names = users.slice(0, 5).map((vm) => vm.name).join(", ");
      throw conflict(
        `Cannot delete Template. Template is being used by the following VMs: ${names}.`,
      );
    }
    for (const attachment of call.engine.store.items(`${call.location.path}/diskattachments`)) {
      deleteDisk(call.engine, attachment.id);
    }
  },
  actions: { export: exportTemplate },
};

/** Behaviours of the template services, by service name. */
export const TEMPLATE_BEHAVIOURS: Record<string, Behaviour> = {
  TemplatesService: {
    add: (call, body) =>
      configurationOf(body) === undefined
        ? createTemplate(call.engine, body)
        : templateFromConfiguration(call.engine, body),
  },
  TemplateService: template,
};
