/**
 * The engine's memory rules for a VM: its guaranteed memory may not exceed its memory
 * (`ACTION_TYPE_FAILED_MIN_MEMORY_CANNOT_EXCEED_MEMORY_SIZE`, 400), and its memory may not
 * exceed its maximum memory (`VmHandler.validateMaxMemorySize`, 409), checked in that order
 * by `AddVmCommand` and `UpdateVmCommand`. An update merges the request into the stored VM,
 * so a maximum or guaranteed memory not sent is the one stored; a memory hot plugged into a
 * running VM is checked against the maximum the VM runs with. A new VM given its memory but
 * no maximum or guaranteed memory gets the REST layer's defaults (`BackendVmsResource`:
 * four times the memory; the memory divided by the cluster's overcommit).
 *
 * @module
 */

import { badParameters, conflict } from "../answers.ts";
import type { Engine, Reference } from "../engine.ts";
import type { Entity } from "../store.ts";

const MIB = 2 ** 20;

/** The maximum memory a new VM gets for memory `memory` (`getMaxMemorySizeDefault`). */
const MAX_MEMORY_RATIO = 4;

type MemoryPolicy = { guaranteed?: unknown; max?: unknown };

function policyOf(vm: Record<string, unknown>): MemoryPolicy {
  const policy = vm.memoryPolicy;
  return typeof policy === "object" && policy !== null ? policy as MemoryPolicy : {};
}

/** `value` as a number of bytes, or `undefined` if it is not set. */
function bytes(value: unknown): number | undefined {
  return value === undefined || value === null ? undefined : Number(value);
}

/** The cluster's memory overcommit, in percent (100 unless it says otherwise). */
function overcommitOf(engine: Engine, vm: Record<string, unknown>): number {
  const id = (vm.cluster as Reference | undefined)?.id;
  const cluster = id === undefined ? undefined : engine.store.get("clusters", id);
  const policy = cluster?.memoryPolicy as { overCommit?: { percent?: unknown } } | undefined;
  const value = Number(policy?.overCommit?.percent ?? 100);
  return value > 0 ? value : 100;
}

/**
 * The memory policy of a new VM made from request `body` (cluster and references resolved)
 * over the policy it inherits (`inherited`, from its template or instance type): the members
 * sent replace those inherited one by one, and a request that sets `memory` without a
 * maximum or guaranteed memory gets the REST layer's defaults for them (in whole MiB).
 */
export function newVmMemoryPolicy(
  engine: Engine,
  body: Record<string, unknown>,
  inherited: unknown,
): Record<string, unknown> | undefined {
  const sent = policyOf(body);
  const merged = { ...policyOf({ memoryPolicy: inherited }), ...sent };
  const memory = bytes(body.memory);
  if (memory === undefined) {
    return body.memoryPolicy === undefined ? inherited as Record<string, unknown> : merged;
  }
  const mib = Math.floor(memory / MIB);
  return {
    ...merged,
    max: bytes(sent.max) ?? MAX_MEMORY_RATIO * mib * MIB,
    guaranteed: bytes(sent.guaranteed) ?? Math.floor(mib * 100 / overcommitOf(engine, body)) * MIB,
  };
}

/** The engine's refusal of `memory` over `max` for `verb` (both in bytes). */
function overMax(verb: string, memory: number, max: number) {
  return conflict(
    `Cannot ${verb} VM. Memory size (${Math.floor(memory / MIB)}MB) cannot exceed maximum ` +
      `memory size (${Math.floor(max / MIB)}MB).`,
  );
}

/**
 * Refuses VM configuration `vm` for `verb` (`add`, `edit`) when its guaranteed memory
 * exceeds its memory, or its memory its maximum memory; with `running` (the VM as it runs,
 * for a change made while it runs) also a memory over the maximum it runs with.
 */
export function checkMemory(vm: Record<string, unknown>, verb: string, running?: Entity): void {
  const memory = bytes(vm.memory);
  if (memory === undefined) return;
  const guaranteed = bytes(policyOf(vm).guaranteed);
  if (guaranteed !== undefined && guaranteed > memory) {
    throw badParameters(`Cannot ${verb} VM. Physical Memory Guaranteed cannot exceed Memory Size.`);
  }
  const max = bytes(policyOf(vm).max);
  if (max !== undefined && memory > max) throw overMax(verb, memory, max);
  const runningMax = running === undefined ? undefined : bytes(policyOf(running).max);
  if (runningMax !== undefined && memory > runningMax) throw overMax(verb, memory, runningMax);
}
