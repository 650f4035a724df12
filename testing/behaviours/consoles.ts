/**
 * Graphics consoles of VMs: the outputs of their actions (a ticket, a proxy ticket, a
 * remote-viewer connection file pointing at the VM's host), and with `current=true` where
 * a running VM's consoles listen (its host's address, ports from 5900).
 *
 * @module
 */

import { conflict } from "../answers.ts";
import { type ActionHandler, type Behaviour, flag } from "../behaviour.ts";
import type { Reference } from "../engine.ts";
import type { Entity } from "../store.ts";

/** The statuses in which the engine sets a VM's console ticket (`SetVmTicketCommand`). */
const TICKET_STATUSES = new Set([
  "up",
  "paused",
  "powering_up",
  "powering_down",
  "reboot_in_progress",
]);

/**
 * The `ticket` action of VM `vm` or of one of its graphics consoles: the value and expiry
 * asked for, else a random value valid for 2 hours (the engine's default); refused, in the
 * engine's words, unless the VM runs.
 */
export function setTicket(
  call: Parameters<ActionHandler>[0],
  vm: Entity | undefined,
  params: Record<string, unknown>,
): Record<string, unknown> {
  const status = String(vm?.status ?? "down");
  if (!TICKET_STATUSES.has(status)) {
    const name = status.split("_").map((word) => word[0].toUpperCase() + word.slice(1)).join("");
    throw conflict(`Cannot set Virtual Machine Ticket because the VM is in ${name} status.`);
  }
  const wanted = (params.ticket ?? {}) as { value?: string; expiry?: number };
  return {
    ticket: { value: wanted.value ?? call.engine.newId(), expiry: wanted.expiry ?? 7200 },
  };
}

const graphicsConsole: Behaviour = {
  actions: {
    ticket: (call, _console, params) =>
      setTicket(call, call.engine.store.get("vms", call.location.parent!.parent!.id!), params),
    proxyticket: (call) => ({ proxyTicket: { value: call.engine.newId() } }),
    remoteviewerconnectionfile: (call, entity) => {
      const vm = call.engine.store.get("vms", call.location.parent!.parent!.id!);
      const host = call.engine.store.get("hosts", (vm?.host as Reference | undefined)?.id ?? "");
      const protocol = (entity!.protocol as string | undefined) ?? "vnc";
      const file = [
        "[virt-viewer]",
        `type=${protocol}`,
        `host=${(host?.address as string | undefined) ?? "127.0.0.1"}`,
        `port=${protocol === "spice" ? 5901 : 5900}`,
        `password=${call.engine.newId()}`,
        "delete-this-file=1",
        `title=${vm?.name ?? "VM"}:%d`,
        "",
      ].join("\n");
      return { remoteViewerConnectionFile: file };
    },
  },
};

const graphicsConsoles: Behaviour = {
  list(call) {
    const { engine } = call;
    const consoles = engine.store.items(call.location.path);
    const vm = engine.store.get("vms", call.location.parent!.id!);
    const host = engine.store.get("hosts", (vm?.host as Reference | undefined)?.id ?? "");
    if (!flag(call, "current") || !host) return consoles;
    return consoles.map((console, index) => ({
      ...console,
      address: host.address,
      port: 5900 + 2 * index,
      ...(console.protocol === "spice" ? { tlsPort: 5901 + 2 * index } : {}),
    }));
  },
};

/** Behaviours of the graphics console services, by service name. */
export const CONSOLE_BEHAVIOURS: Record<string, Behaviour> = {
  VmGraphicsConsolesService: graphicsConsoles,
  VmGraphicsConsoleService: graphicsConsole,
};
