/**
 * The documents the XML reader is measured and tested on, shaped like the engine's answers:
 * lists of VMs (from `vms_fixture.ts`), hosts, events (each with its own optional members,
 * as real events are) and disks, and the small answers of a `get()`, all under 5 KB.
 * Generated from a seed, so every run reads the same bytes.
 *
 * @module
 */

import { vmsFixture, vmXml } from "./vms_fixture.ts";
import { seededRandom } from "../tests/xml_test_utils.ts";

const API = "/ovirt-engine/api";
const DECLARATION = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n`;
const encoder = new TextEncoder();

/** One document of the corpus: a name for tables and its bytes. */
export interface Corpus {
  /** Short name, e.g. `"events"`. */
  readonly name: string;
  /** The document, UTF-8. */
  readonly bytes: Uint8Array;
}

function uuid(kind: number, i: number): string {
  const hex = (i * 2246822519 >>> 0).toString(16).padStart(8, "0");
  return `${hex}-${(kind + 0x2000).toString(16)}-4c3d-8e2f-${String(i).padStart(12, "0")}`;
}

function ref(tag: string, collection: string, id: string): string {
  return `<${tag} href="${API}/${collection}/${id}" id="${id}"/>`;
}

/** Lines indented by two spaces a level, as the engine writes them. */
class Lines {
  readonly #lines: string[] = [];
  add(level: number, text: string): void {
    this.#lines.push("  ".repeat(level) + text);
  }
  /** `<tag>text</tag>` at `level`. */
  leaf(level: number, tag: string, text: string | number | boolean): void {
    this.add(level, `<${tag}>${text}</${tag}>`);
  }
  text(): string {
    return this.#lines.join("\n") + "\n";
  }
}

/** The XML of host number `i`. */
export function hostXml(i: number): string {
  const id = uuid(5, i);
  const self = `${API}/hosts/${id}`;
  const out = new Lines();
  out.add(1, `<host href="${self}" id="${id}">`);
  out.add(2, "<actions>");
  for (const action of ["activate", "deactivate", "fence", "install", "refresh", "upgrade"]) {
    out.add(3, `<link href="${self}/${action}" rel="${action}"/>`);
  }
  out.add(2, "</actions>");
  out.leaf(2, "name", `host-${String(i).padStart(4, "0")}`);
  out.leaf(2, "comment", "");
  for (const rel of ["nics", "numanodes", "statistics", "storage", "tags", "katelloerrata"]) {
    out.add(2, `<link href="${self}/${rel}" rel="${rel}"/>`);
  }
  out.leaf(2, "address", `10.1.${i >> 8 & 255}.${i & 255}`);
  out.add(2, "<certificate>");
  out.leaf(3, "organization", "example.com");
  out.leaf(3, "subject", `O=example.com,CN=host-${i}.example.com`);
  out.add(2, "</certificate>");
  out.add(2, "<cpu>");
  out.leaf(3, "name", "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz");
  out.leaf(3, "speed", 2000);
  out.add(3, "<topology><cores>32</cores><sockets>2</sockets><threads>2</threads></topology>");
  out.leaf(3, "type", "Secure Intel Icelake Server Family");
  out.add(2, "</cpu>");
  out.add(2, "<hardware_information>");
  out.leaf(3, "family", "PowerEdge");
  out.leaf(3, "manufacturer", "Dell Inc.");
  out.leaf(3, "product_name", "PowerEdge R750");
  out.leaf(3, "serial_number", `SN${100000 + i}`);
  out.leaf(3, "uuid", uuid(9, i));
  out.add(2, "</hardware_information>");
  out.leaf(2, "kdump_status", i % 5 === 0 ? "enabled" : "disabled");
  out.add(2, "<ksm><enabled>false</enabled></ksm>");
  out.leaf(2, "libvirt_version", "<build>0</build><full_version>libvirt-9.0.0</full_version>");
  out.leaf(2, "max_scheduling_memory", 540_000_000_000 + i * 1_048_576);
  out.leaf(2, "memory", 549_755_813_888);
  out.leaf(2, "numa_supported", true);
  out.add(2, "<os>");
  out.leaf(3, "custom_kernel_cmdline", "");
  out.leaf(3, "reported_kernel_cmdline", "BOOT_IMAGE=(hd0,msdos1)/vmlinuz root=/dev/sda2 ro");
  out.leaf(3, "type", "RHEL");
  out.add(3, "<version><full_version>9.3</full_version><major>9</major></version>");
  out.add(2, "</os>");
  out.leaf(2, "port", 54321);
  out.add(2, "<power_management>");
  out.leaf(3, "automatic_pm_enabled", true);
  out.leaf(3, "enabled", i % 2 === 0);
  out.leaf(3, "kdump_detection", true);
  out.add(2, "</power_management>");
  out.leaf(2, "protocol", "stomp");
  out.add(2, "<se_linux><mode>enforcing</mode></se_linux>");
  out.add(2, "<spm><priority>5</priority><status>none</status></spm>");
  out.add(2, "<ssh>");
  out.leaf(3, "fingerprint", `SHA256:${id.replaceAll("-", "")}`);
  out.leaf(3, "port", 22);
  out.add(2, "</ssh>");
  out.leaf(2, "status", ["up", "maintenance", "non_responsive"][i % 3]);
  out.add(2, "<summary><active>3</active><migrating>0</migrating><total>12</total></summary>");
  out.leaf(2, "transparent_hugepages", "<enabled>true</enabled>");
  out.leaf(2, "type", "rhel");
  out.leaf(2, "update_available", false);
  out.add(2, "<version>");
  out.leaf(3, "build", 1);
  out.leaf(3, "full_version", "vdsm-4.50.3.4-1.el9");
  out.leaf(3, "major", 4);
  out.leaf(3, "minor", 50);
  out.leaf(3, "revision", 3);
  out.add(2, "</version>");
  out.leaf(2, "vgpu_placement", "consolidated");
  out.add(2, ref("cluster", "clusters", uuid(2, i % 8)));
  out.add(1, "</host>");
  return out.text();
}

const SEVERITIES = ["normal", "warning", "error", "alert"];
const EVENT_TEXT = [
  "VM vm-%d was started by admin@internal-authz (Host: host-%d).",
  "User admin@internal-authz connected to VM vm-%d console & logged in.",
  'Storage Domain data-%d (Data Center Default) was "deactivated" by system.',
  "Host host-%d has time-drift of 301 seconds while maximum configured value is 300 seconds.",
  "Disk vm-%d_Disk1 was successfully added.",
];

/** The XML of event number `i`: which members it has varies from event to event. */
export function eventXml(i: number, random: () => number): string {
  const id = String(100_000 + i);
  const out = new Lines();
  const pick = (chance: number) => random() < chance;
  out.add(1, `<event href="${API}/events/${id}" id="${id}">`);
  const text = EVENT_TEXT[i % EVENT_TEXT.length].replaceAll("%d", String(i % 97));
  out.leaf(2, "description", text.replaceAll("&", "&amp;").replaceAll('"', "&quot;"));
  out.leaf(2, "code", [30, 31, 153, 519, 1000][i % 5]);
  if (pick(0.6)) out.leaf(2, "correlation_id", uuid(11, i));
  if (pick(0.1)) out.leaf(2, "custom_data", `{"rate": ${i % 100}}`);
  out.leaf(2, "custom_id", -1);
  out.leaf(2, "flood_rate", 30);
  out.leaf(2, "index", 100_000 + i);
  if (pick(0.3)) out.leaf(2, "log_on_host", false);
  out.leaf(2, "origin", "oVirt");
  out.leaf(2, "severity", SEVERITIES[Math.floor(random() * SEVERITIES.length)]);
  out.leaf(2, "time", `2024-05-${String(1 + i % 28).padStart(2, "0")}T12:00:00.${i % 1000}+02:00`);
  if (pick(0.5)) out.add(2, ref("cluster", "clusters", uuid(2, i % 8)));
  if (pick(0.3)) out.add(2, ref("data_center", "datacenters", uuid(1, i % 2)));
  if (pick(0.4)) out.add(2, ref("host", "hosts", uuid(5, i % 32)));
  if (pick(0.2)) out.add(2, ref("storage_domain", "storagedomains", uuid(8, i % 4)));
  if (pick(0.1)) out.add(2, ref("template", "templates", uuid(6, i % 4)));
  if (pick(0.7)) out.add(2, ref("user", "users", uuid(12, i % 5)));
  if (pick(0.5)) out.add(2, ref("vm", "vms", uuid(13, i % 500)));
  out.add(1, "</event>");
  return out.text();
}

/** The XML of disk number `i`. */
export function diskXml(i: number): string {
  const id = uuid(14, i);
  const self = `${API}/disks/${id}`;
  const out = new Lines();
  out.add(1, `<disk href="${self}" id="${id}">`);
  out.add(2, "<actions>");
  for (const action of ["copy", "export", "move", "reduce", "refreshlun", "sparsify"]) {
    out.add(3, `<link href="${self}/${action}" rel="${action}"/>`);
  }
  out.add(2, "</actions>");
  out.leaf(2, "name", `vm-${i % 500}_Disk${1 + i % 3}`);
  out.leaf(2, "description", i % 4 === 0 ? "OS disk" : "");
  for (const rel of ["disksnapshots", "permissions", "statistics"]) {
    out.add(2, `<link href="${self}/${rel}" rel="${rel}"/>`);
  }
  out.leaf(2, "actual_size", 1_073_741_824 + i * 4096);
  out.leaf(2, "alias", `vm-${i % 500}_Disk${1 + i % 3}`);
  out.leaf(2, "backup", "none");
  out.leaf(2, "content_type", "data");
  out.leaf(2, "format", i % 2 === 0 ? "cow" : "raw");
  out.leaf(2, "image_id", uuid(15, i));
  out.leaf(2, "propagate_errors", false);
  out.leaf(2, "provisioned_size", (1 + i % 64) * 10_737_418_240);
  if (i % 2 === 0) out.leaf(2, "qcow_version", "qcow2_v3");
  out.leaf(2, "shareable", false);
  out.leaf(2, "sparse", i % 2 === 0);
  out.leaf(2, "status", "ok");
  out.leaf(2, "storage_type", "image");
  out.leaf(2, "total_size", 1_073_741_824 + i * 8192);
  out.leaf(2, "wipe_after_delete", false);
  out.add(2, ref("disk_profile", "diskprofiles", uuid(16, i % 4)));
  out.add(
    2,
    "<quota " + `href="${API}/datacenters/${uuid(1, 0)}/quotas/${uuid(4, 0)}"` +
      ` id="${uuid(4, 0)}"/>`,
  );
  out.add(2, "<storage_domains>");
  out.add(3, `<storage_domain id="${uuid(8, i % 4)}"/>`);
  out.add(2, "</storage_domains>");
  out.add(1, "</disk>");
  return out.text();
}

/** A list document of `count` items made by `item`. */
function listOf(tag: string, count: number, item: (i: number) => string): Uint8Array {
  const parts = [DECLARATION, `<${tag}>\n`];
  for (let i = 0; i < count; i++) parts.push(item(i));
  parts.push(`</${tag}>\n`);
  return encoder.encode(parts.join(""));
}

/** The list corpora: `scale` 1 gives 1,000 VMs (about 10 MB) and as many bytes of the others. */
export function listCorpora(scale = 1): Corpus[] {
  const events = seededRandom(18);
  return [
    { name: "vms", bytes: vmsFixture(Math.round(1000 * scale)) },
    { name: "hosts", bytes: listOf("hosts", Math.round(3000 * scale), hostXml) },
    {
      name: "events",
      bytes: listOf("events", Math.round(12_000 * scale), (i) => eventXml(i, events)),
    },
    { name: "disks", bytes: listOf("disks", Math.round(6000 * scale), diskXml) },
  ];
}

/** The answers of a `get()`: one object each, all under 5 KB. */
export function smallCorpora(): Corpus[] {
  const events = seededRandom(19);
  const single = (xml: string) => encoder.encode(DECLARATION + xml.replace(/^ {2}/gm, ""));
  return [
    // Without its actions and links (as a VM comes inline), to stay under 5 KB.
    { name: "get vm", bytes: single(vmXml(1).replace(/^ *<(link|actions|\/actions)\b.*\n/gm, "")) },
    { name: "get host", bytes: single(hostXml(1)) },
    { name: "get event", bytes: single(eventXml(1, events)) },
    { name: "get disk", bytes: single(diskXml(1)) },
  ];
}
