/**
 * What the guest agent of a running VM reports, once it has reported (a lifecycle step
 * after the VM is `up`): the guest's operating system, host name (`fqdn`) and time zone,
 * as the engine maps them, and one network device per NIC of the VM, with its MAC and
 * addresses (IPv4 from the documentation range 198.51.100.0/24, and the IPv6 link-local
 * address made from the MAC). A VM that is not up, or whose agent has not reported yet,
 * reports nothing.
 *
 * @module
 */

import type { Engine } from "../engine.ts";
import type { Entity } from "../store.ts";
import type { Location } from "../tree.ts";

/** The reported devices of the VM that owns the collection at `location`. */
export function reportedDevices(engine: Engine, location: Location): Entity[] {
  const vm = engine.store.get("vms", location.parent!.id!);
  if (vm?.status !== "up" || vm.guestOperatingSystem === undefined) return [];
  return engine.store.items(`${location.parent!.path}/nics`).map((nic) => {
    const mac = (nic.mac as { address?: string } | undefined)?.address ?? "00:00:00:00:00:00";
    return {
      id: nic.id,
      name: nic.name,
      description: "guest reported data",
      type: "network",
      mac: { address: mac },
      ips: guestAddresses(mac),
      vm: engine.referenceTo("vms", vm.id),
    };
  });
}

/** The addresses a guest NIC with MAC address `mac` reports. */
function guestAddresses(mac: string): Record<string, unknown>[] {
  const bytes = mac.split(":").map((part) => parseInt(part, 16));
  const eui64 = [bytes[0] ^ 0x02, bytes[1], bytes[2], 0xff, 0xfe, bytes[3], bytes[4], bytes[5]];
  const groups = [0, 2, 4, 6].map((i) => ((eui64[i] << 8) | eui64[i + 1]).toString(16));
  return [
    { address: `198.51.100.${(bytes[5] % 254) + 1}`, version: "v4" },
    { address: `fe80::${groups.join(":")}`, version: "v6" },
  ];
}

/** The kernel a Linux guest runs (as `uname -r` prints it). */
const LINUX_KERNEL = "5.14.0-427.13.1.el9_4.x86_64";

/** The guest members of a VM whose agent has not reported (or that is not running). */
export const NO_GUEST_REPORT: Readonly<Record<string, undefined>> = {
  fqdn: undefined,
  guestOperatingSystem: undefined,
  guestTimeZone: undefined,
};

/**
 * What the guest agent of VM `vm` reports about its guest, by the VM's operating system
 * type: a Windows guest for `windows_*`, else a Linux one; host name `<vm name>.example.com`.
 */
export function guestReport(vm: Record<string, unknown>): Record<string, unknown> {
  const os = (vm.os as { type?: string } | undefined)?.type ?? "other";
  const windows = os.startsWith("windows");
  return {
    fqdn: `${String(vm.name).toLowerCase()}.example.com`,
    guestOperatingSystem: windows
      ? {
        architecture: "x86_64",
        codename: "",
        distribution: "Microsoft Windows Server 2022 Datacenter",
        family: "Windows",
        version: { fullVersion: "10.0.20348", major: 10, minor: 0, build: 20348 },
      }
      : {
        architecture: "x86_64",
        codename: "Plow",
        distribution: "Red Hat Enterprise Linux",
        family: "Linux",
        kernel: {
          version: { fullVersion: LINUX_KERNEL, major: 5, minor: 14, build: 0, revision: 427 },
        },
        version: { fullVersion: "9.4", major: 9, minor: 4 },
      },
    guestTimeZone: windows
      ? { name: "Coordinated Universal Time", utcOffset: "+00:00" }
      : { name: "Etc/UTC", utcOffset: "+00:00" },
  };
}
