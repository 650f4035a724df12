/**
 * Graphics consoles of VMs: the outputs of their actions (a ticket, a proxy ticket, a
 * remote-viewer connection file pointing at the VM's host), and with `current=true` where
 * a running VM's consoles listen (its host's address, ports from 5900).
 *
 * @module
 */

import { type ActionHandler, type Behaviour, flag } from "../behaviour.ts";
import type { Reference } from "../engine.ts";

/**
 * The `ticket` action of a VM or of one of its graphics consoles: the value and expiry
 * asked for, else a random value valid for 2 hours (the engine's default).
 */
export const setTicket: ActionHandler = (call, _entity, params) => {
  const wanted = (params.ticket ?? {}) as { value?: string; expiry?: number };
  return {
    ticket: { value: wanted.value ?? call.engine.newId(), expiry: wanted.expiry ?? 7200 },
  };
};

const graphicsConsole: Behaviour = {
  actions: {
    ticket: setTicket,
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
