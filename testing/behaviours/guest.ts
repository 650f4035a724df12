/**
 * What the guest agent of a running VM reports: one network device per NIC of the VM,
 * with its MAC and addresses (IPv4 from the documentation range 198.51.100.0/24, and the
 * IPv6 link-local address made from the MAC). A VM that is not up reports nothing.
 *
 * @module
 */

import type { Engine } from "../engine.ts";
import type { Entity } from "../store.ts";
import type { Location } from "../tree.ts";

/** The reported devices of the VM that owns the collection at `location`. */
export function reportedDevices(engine: Engine, location: Location): Entity[] {
  const vm = engine.store.get("vms", location.parent!.id!);
  if (vm?.status !== "up") return [];
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
