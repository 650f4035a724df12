/**
 * Creating a VM from a template, the step every way of making a VM shares (an `add`, a
 * clone, an import, an OVF configuration, a pool), and the refusals those behaviours share
 * (a VM whose images are locked, a template still locked): its own module, so that they do
 * not import one another.
 *
 * @module
 */

import { badParameters, conflict } from "../answers.ts";
import type { Engine, Reference } from "../engine.ts";
import { withReferences } from "../generic.ts";
import type { Entity } from "../store.ts";
import { checkVmName } from "../names.ts";
import { checkUniqueName } from "../unique_names.ts";
import { addVmDevices, copyDevices } from "./devices.ts";
import { transition } from "./lifecycle.ts";
import { checkNotExporting } from "./ova_locks.ts";
import { applyDiskChoices, diskChoices } from "./vm_disk_choices.ts";
import { checkMemory, newVmMemoryPolicy } from "./vm_memory.ts";

/** Members a new VM takes from its template unless the request sets them. */
const INHERITED = [
  "memory",
  "memoryPolicy",
  "cpu",
  "os",
  "type",
  "bios",
  "display",
  "highAvailability",
  "stateless",
  "usb",
  "io",
  "timeZone",
  "smallIcon",
  "largeIcon",
];

/**
 * Members a new VM takes from its instance type, if it names one, over its template's
 * (`VmMapper.doMapVmBaseHwPartToVmStatic`): structs are merged member by member.
 */
const HARDWARE = ["memory", "memoryPolicy", "cpu", "highAvailability", "display", "usb", "io"];

/** What the VM described by `described` takes from its template and instance type. */
function inheritedBy(engine: Engine, described: Record<string, unknown>, template: Entity) {
  const inherited: Record<string, unknown> = Object.fromEntries(
    INHERITED.filter((name) => template[name] !== undefined).map((name) => [name, template[name]]),
  );
  const typeId = (described.instanceType as Reference | undefined)?.id;
  const instanceType = typeId === undefined ? undefined : engine.store.get("instancetypes", typeId);
  for (const name of HARDWARE) {
    const value = instanceType?.[name];
    if (value === undefined) continue;
    const base = inherited[name];
    inherited[name] = isStruct(value) && isStruct(base) ? { ...base, ...value } : value;
  }
  return inherited;
}

function isStruct(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Refuses `what` (`run`, `add NIC to`) on a VM whose images are locked (`image_locked`) or
 * which an OVA export holds.
 */
export function checkVmNotLocked(vm: Entity, what: string): void {
  if (vm.status === "image_locked") {
    throw conflict(`Cannot ${what} VM: VM is locked. Please try again in a few minutes.`);
  }
  checkNotExporting(vm, `${what} VM`, "VM");
}

/**
 * Creates a VM from `body` (template, instance type and cluster named by id or name, a
 * name the engine takes, memory within its maximum and above its guaranteed memory) in
 * `vms`, with copies of the devices of `source` (`vms/{id}` for a clone; the template by
 * default, its disks as the request's `disk_attachments` ask: `vm_disk_choices.ts`), with id
 * `id` (a new one by default; one a VM has already is refused, as `AddVmCommand` refuses it).
 */
export function createVm(
  engine: Engine,
  body: Record<string, unknown>,
  source?: string,
  id: string = engine.newId(),
): Entity {
  const described = withReferences(engine, "Vm", body);
  checkVmName(described.name, "add");
  checkUniqueName(engine, "VmsService", "Vm", described, engine.store.items("vms"));
  const templateRef = described.template as Reference;
  const template = engine.store.get("templates", templateRef.id)!;
  if (source === undefined) checkTemplateNotLocked(template, "add VM");
  const inherited = inheritedBy(engine, described, template);
  const memoryPolicy = newVmMemoryPolicy(engine, described, inherited.memoryPolicy);
  const from = source ?? `templates/${encodeURIComponent(template.id)}`;
  const choices = source === undefined ? diskChoices(engine, described, from) : new Map();
  const vm: Entity = {
    origin: "ovirt",
    stateless: false,
    deleteProtected: false,
    ...inherited,
    ...described,
    id,
    status: "down",
    creationTime: new Date(),
    originalTemplate: templateRef,
    nextRunConfigurationExists: false,
    runOnce: false,
  };
  if (memoryPolicy !== undefined) vm.memoryPolicy = memoryPolicy;
  checkMemory(vm, "add");
  if (engine.store.get("vms", id)) {
    throw badParameters("Cannot add VM. VM with the given Id already exists in the system.");
  }
  delete vm.diskAttachments;
  delete vm.nics;
  engine.store.put("vms", vm);
  const ref = engine.referenceTo("vms", id);
  const disks = copyDevices(engine, from, `vms/${encodeURIComponent(id)}`, { vm: ref });
  applyDiskChoices(engine, from, `vms/${encodeURIComponent(id)}`, choices);
  addVmDevices(engine, `vms/${encodeURIComponent(id)}`, ref);
  if (disks === 0) return vm;
  return transition(engine, "vms", id, { status: "image_locked" }, [{ status: "down" }]);
}

/** Refuses `what` (`add VM`) from a template whose disks are still being made (`locked`). */
export function checkTemplateNotLocked(template: Entity, what: string): void {
  if (template.status === "locked") {
    throw conflict(`Cannot ${what}. Template is locked. Please try again in a few minutes.`);
  }
}
