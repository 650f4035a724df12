/**
 * A realistic `<vms>` document as the engine sends it (declaration, indentation, `<actions>`,
 * `<link>`s, references, nested structs, dates with offsets, enums): about 10 KB per VM
 * (about 100 elements besides 40 `<link>`s), so 10,000 VMs make about 100 MB. As in a real
 * list, VMs differ in shape: running ones have a host, a start time, the guest's operating
 * system and time zone and a display address and port; stopped ones a stop time instead;
 * every third VM has no description.
 *
 * @module
 */

const API = "/ovirt-engine/api";
const STATUSES = ["up", "down", "powering_up", "paused", "image_locked", "suspended"];
const RUNNING = new Set(["up", "powering_up", "paused"]);
const ACTIONS = [
  "autopincpuandnumanodes",
  "cancelmigration",
  "clone",
  "commitsnapshot",
  "detach",
  "export",
  "freezefilesystems",
  "logon",
  "maintenance",
  "migrate",
  "previewsnapshot",
  "reboot",
  "reordermacaddresses",
  "shutdown",
  "start",
  "stop",
  "suspend",
  "thawfilesystems",
  "ticket",
  "undosnapshot",
];
const LINKS = [
  "affinitylabels",
  "applications",
  "cdroms",
  "diskattachments",
  "floppies",
  "graphicsconsoles",
  "hostdevices",
  "katelloerrata",
  "mediateddevices",
  "nics",
  "numanodes",
  "permissions",
  "reporteddevices",
  "sessions",
  "snapshots",
  "statistics",
  "tags",
  "watchdogs",
  "backups",
  "checkpoints",
];

function uuid(kind: number, i: number): string {
  const hex = (i * 2654435761 >>> 0).toString(16).padStart(8, "0");
  return `${hex}-${(kind + 0x1000).toString(16)}-4a1b-9c2d-${String(i).padStart(12, "0")}`;
}

function ref(tag: string, collection: string, id: string): string {
  return `<${tag} href="${API}/${collection}/${id}" id="${id}"/>`;
}

/** The XML of VM number `i`, indented as the engine does. */
export function vmXml(i: number): string {
  const id = uuid(1, i);
  const self = `${API}/vms/${id}`;
  const day = String(1 + (i % 28)).padStart(2, "0");
  const status = STATUSES[i % STATUSES.length];
  const running = RUNNING.has(status);
  const lines: string[] = [];
  const add = (indent: number, text: string) => lines.push("  ".repeat(indent) + text);
  add(1, `<vm href="${self}" id="${id}">`);
  add(2, "<actions>");
  for (const action of ACTIONS) add(3, `<link href="${self}/${action}" rel="${action}"/>`);
  add(2, "</actions>");
  add(2, `<name>vm-${String(i).padStart(5, "0")}.example.com</name>`);
  if (i % 3 !== 2) {
    add(2, `<description>Web server ${i} for the &quot;shop&quot; &amp; its API</description>`);
  }
  add(2, "<comment></comment>");
  for (const rel of LINKS) add(2, `<link href="${self}/${rel}" rel="${rel}"/>`);
  add(2, "<bios>");
  add(3, "<boot_menu><enabled>false</enabled></boot_menu>");
  add(3, "<type>q35_ovmf</type>");
  add(2, "</bios>");
  add(2, "<console><enabled>true</enabled></console>");
  add(2, "<cpu>");
  add(3, "<architecture>x86_64</architecture>");
  add(3, "<topology>");
  add(4, `<cores>${1 + (i % 4)}</cores>`);
  add(4, "<sockets>2</sockets>");
  add(4, "<threads>1</threads>");
  add(3, "</topology>");
  add(2, "</cpu>");
  add(2, "<cpu_shares>0</cpu_shares>");
  add(2, "<custom_properties>");
  add(3, "<custom_property><name>sndbuf</name><value>0</value></custom_property>");
  add(3, "<custom_property><name>hugepages</name><value>1048576</value></custom_property>");
  add(2, "</custom_properties>");
  add(2, `<creation_time>2024-05-${day}T10:20:30.123+02:00</creation_time>`);
  add(2, "<delete_protected>false</delete_protected>");
  add(2, "<display>");
  if (running) add(3, `<address>10.0.${(i >> 8) & 255}.${i & 255}</address>`);
  add(3, "<allow_override>false</allow_override>");
  add(3, "<copy_paste_enabled>true</copy_paste_enabled>");
  add(3, "<disconnect_action>LOCK_SCREEN</disconnect_action>");
  add(3, "<file_transfer_enabled>true</file_transfer_enabled>");
  add(3, "<monitors>1</monitors>");
  if (running) add(3, `<port>${5900 + (i % 100)}</port>`);
  add(3, "<single_qxl_pci>false</single_qxl_pci>");
  add(3, "<smartcard_enabled>false</smartcard_enabled>");
  add(3, "<type>vnc</type>");
  add(2, "</display>");
  add(2, "<high_availability>");
  add(3, `<enabled>${i % 2 === 0}</enabled>`);
  add(3, "<priority>0</priority>");
  add(2, "</high_availability>");
  add(2, "<initialization>");
  add(3, `<host_name>vm-${String(i).padStart(5, "0")}.example.com</host_name>`);
  add(3, "<dns_servers>10.0.0.53 10.0.1.53</dns_servers>");
  add(3, "<regenerate_ssh_keys>false</regenerate_ssh_keys>");
  add(3, "<timezone>Etc/GMT</timezone>");
  add(3, "<user_name>cloud-user</user_name>");
  add(2, "</initialization>");
  add(2, "<io><threads>1</threads></io>");
  add(2, "<large_icon " + `href="${API}/icons/${uuid(7, 1)}" id="${uuid(7, 1)}"/>`);
  add(2, `<memory>${(1 + (i % 16)) * 1073741824}</memory>`);
  add(2, "<memory_policy>");
  add(3, "<ballooning>true</ballooning>");
  add(3, `<guaranteed>${(1 + (i % 16)) * 1073741824}</guaranteed>`);
  add(3, `<max>${(1 + (i % 16)) * 4 * 1073741824}</max>`);
  add(2, "</memory_policy>");
  add(2, "<migration>");
  add(3, "<auto_converge>inherit</auto_converge>");
  add(3, "<compressed>inherit</compressed>");
  add(3, "<encrypted>inherit</encrypted>");
  add(3, "<parallel_migrations_policy>inherit</parallel_migrations_policy>");
  add(2, "</migration>");
  add(2, "<migration_downtime>-1</migration_downtime>");
  add(2, "<multi_queues_enabled>true</multi_queues_enabled>");
  add(2, "<origin>ovirt</origin>");
  add(2, "<os>");
  add(3, "<boot>");
  add(4, "<devices>");
  add(5, "<device>hd</device>");
  add(5, "<device>cdrom</device>");
  add(4, "</devices>");
  add(3, "</boot>");
  add(3, "<type>rhel_9x64</type>");
  add(2, "</os>");
  add(2, "<placement_policy><affinity>migratable</affinity></placement_policy>");
  add(2, "<small_icon " + `href="${API}/icons/${uuid(7, 2)}" id="${uuid(7, 2)}"/>`);
  add(2, '<sso><methods><method id="guest_agent"/></methods></sso>');
  add(2, `<start_paused>false</start_paused>`);
  add(2, `<stateless>false</stateless>`);
  add(2, "<storage_error_resume_behaviour>auto_resume</storage_error_resume_behaviour>");
  add(
    2,
    "<rng_device><rate><bytes>1024</bytes><period>1000</period></rate><source>urandom</source></rng_device>",
  );
  add(2, `<serial_number><policy>custom</policy><value>SN-${id}</value></serial_number>`);
  add(2, "<lease>");
  add(3, ref("storage_domain", "storagedomains", uuid(8, i % 4)));
  add(2, "</lease>");
  add(2, ref("storage_domain", "storagedomains", uuid(8, i % 4)));
  add(2, "<virtio_scsi><enabled>true</enabled></virtio_scsi>");
  add(2, "<time_zone><name>Etc/GMT</name></time_zone>");
  add(2, "<type>server</type>");
  add(2, "<usb><enabled>false</enabled></usb>");
  add(2, "<cluster " + `href="${API}/clusters/${uuid(2, i % 8)}" id="${uuid(2, i % 8)}"/>`);
  add(2, ref("cpu_profile", "cpuprofiles", uuid(3, i % 8)));
  add(2, ref("quota", "quotas", uuid(4, i % 8)));
  add(2, "<tpm_enabled>false</tpm_enabled>");
  add(2, "<auto_pinning_policy>none</auto_pinning_policy>");
  add(2, "<cpu_pinning_policy>none</cpu_pinning_policy>");
  add(2, "<next_run_configuration_exists>false</next_run_configuration_exists>");
  add(2, "<numa_tune_mode>interleave</numa_tune_mode>");
  add(2, `<status>${status}</status>`);
  if (running) add(2, `<start_time>2024-06-${day}T08:00:00.500+02:00</start_time>`);
  else add(2, `<stop_time>2024-06-${day}T07:59:00.250+02:00</stop_time>`);
  add(2, "<run_once>false</run_once>");
  if (running) guestAndHost(add, i);
  add(2, "<original_template " + `href="${API}/templates/${uuid(6, 0)}" id="${uuid(6, 0)}"/>`);
  add(2, ref("template", "templates", uuid(6, i % 4)));
  add(1, "</vm>");
  return lines.join("\n") + "\n";
}

/** What only a running VM has: its guest's operating system and time zone, and its host. */
function guestAndHost(add: (indent: number, text: string) => void, i: number): void {
  add(2, "<guest_operating_system>");
  add(3, "<architecture>x86_64</architecture>");
  add(3, "<codename>Plow</codename>");
  add(3, "<distribution>Red Hat Enterprise Linux</distribution>");
  add(3, "<family>Linux</family>");
  add(
    3,
    "<kernel><version><build>0</build><full_version>5.14.0-362</full_version>" +
      "<major>5</major><minor>14</minor><revision>362</revision></version></kernel>",
  );
  add(3, "<version><full_version>9.3</full_version><major>9</major><minor>3</minor></version>");
  add(2, "</guest_operating_system>");
  add(
    2,
    "<guest_time_zone><name>Europe/Berlin</name><utc_offset>+02:00</utc_offset></guest_time_zone>",
  );
  add(2, ref("host", "hosts", uuid(5, i % 32)));
}

/** A `<vms>` document with `count` VMs, as UTF-8 bytes. */
export function vmsFixture(count: number): Uint8Array {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [
    encoder.encode(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<vms>\n`),
  ];
  for (let i = 0; i < count; i++) parts.push(encoder.encode(vmXml(i)));
  parts.push(encoder.encode("</vms>\n"));
  const document = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    document.set(part, offset);
    offset += part.length;
  }
  return document;
}
