/**
 * The OVF document of a VM, as the engine shows it in `initialization.configuration` when
 * asked for `all_content=true`: the virtual system with its name, ids, operating system,
 * CPUs, memory and disks (a small but well-formed subset of what the engine writes).
 *
 * @module
 */

import type { Engine } from "../engine.ts";
import type { Entity } from "../store.ts";

const NAMESPACES = [
  'xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1/"',
  'xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/' +
  'CIM_ResourceAllocationSettingData"',
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
].join(" ");

function escape(text: unknown): string {
  return String(text ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** `<tag>text</tag>`, `text` escaped. */
function element(tag: string, text: unknown): string {
  return `<${tag}>${escape(text)}</${tag}>`;
}

/** The OVF document describing `vm`. */
export function vmOvf(engine: Engine, vm: Entity): string {
  const cpu = vm.cpu as { topology?: Record<string, number> } | undefined;
  const { sockets = 1, cores = 1, threads = 1 } = cpu?.topology ?? {};
  const memoryMb = Math.round(((vm.memory as number | undefined) ?? 0) / 1024 ** 2);
  const os = (vm.os as { type?: string } | undefined)?.type ?? "other";
  const template = (vm.template as { id?: string } | undefined)?.id;
  const disks = engine.store.items(`vms/${encodeURIComponent(vm.id)}/diskattachments`)
    .map((attachment) => engine.store.get("disks", attachment.id))
    .filter((disk) => disk !== undefined)
    .map((disk) => {
      const size = Math.ceil((disk.provisionedSize as number) / 1024 ** 3);
      return `<Disk ovf:diskId="${disk.imageId}" ovf:size="${size}" ` +
        `ovf:fileRef="${disk.id}/${disk.imageId}" ovf:disk-alias="${escape(disk.name)}"/>`;
    });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<ovf:Envelope ${NAMESPACES} ovf:version="4.4.0.0">`,
    '<Section xsi:type="ovf:DiskSection_Type">',
    element("Info", "List of Virtual Disks"),
    ...disks,
    "</Section>",
    '<Content ovf:id="out" xsi:type="ovf:VirtualSystem_Type">',
    element("Name", vm.name),
    element("Description", vm.description),
    element("TemplateId", template),
    `<Section ovf:id="${escape(vm.id)}" xsi:type="ovf:OperatingSystemSection_Type">`,
    element("Info", "Guest Operating System"),
    element("Description", os),
    "</Section>",
    '<Section xsi:type="ovf:VirtualHardwareSection_Type">',
    element("Info", `${sockets * cores * threads} CPU, ${memoryMb} Memory`),
    "<Item>",
    element("rasd:ResourceType", 3),
    element("rasd:num_of_sockets", sockets),
    element("rasd:cpu_per_socket", cores),
    element("rasd:threads_per_cpu", threads),
    "</Item>",
    "<Item>",
    element("rasd:ResourceType", 4),
    element("rasd:VirtualQuantity", memoryMb),
    element("rasd:AllocationUnits", "MegaBytes"),
    "</Item>",
    "</Section>",
    "</Content>",
    "</ovf:Envelope>",
    "",
  ].join("\n");
}
