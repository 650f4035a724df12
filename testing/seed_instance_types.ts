/**
 * The instance types every engine has from its installation (`01100_insert_vm_static.sql`),
 * with their fixed ids: `Tiny` (512 MiB, 1 CPU), `Small` (2 GiB, 1 CPU), `Medium` (4 GiB,
 * 2 CPUs), `Large` (8 GiB, 2 CPUs), `XLarge` (16 GiB, 4 CPUs). Their guaranteed memory is
 * their memory, their maximum memory four times it (as the upgrade script that added maximum
 * memory set it).
 *
 * @module
 */

import type { Engine } from "./engine.ts";

const MIB = 2 ** 20;

/** Id, name, description, memory in MiB and sockets of each built-in instance type. */
const BUILT_IN = [
  ["00000003-0003-0003-0003-0000000000be", "Tiny", "Tiny instance type", 512, 1],
  ["00000005-0005-0005-0005-0000000002e6", "Small", "Small instance type", 2048, 1],
  ["00000007-0007-0007-0007-00000000010a", "Medium", "Medium instance type", 4096, 2],
  ["00000009-0009-0009-0009-0000000000f1", "Large", "Large instance type", 8192, 2],
  ["0000000b-000b-000b-000b-00000000021f", "XLarge", "Extra Large instance type", 16384, 4],
] as const;

/** Adds the built-in instance types to `engine`. */
export function seedInstanceTypes(engine: Engine): void {
  for (const [id, name, description, memory, sockets] of BUILT_IN) {
    engine.store.put("instancetypes", {
      id,
      name,
      description,
      status: "ok",
      memory: memory * MIB,
      memoryPolicy: { guaranteed: memory * MIB, max: 4 * memory * MIB, ballooning: true },
      cpu: { topology: { sockets, cores: 1, threads: 1 } },
      creationTime: new Date("2014-05-05T00:00:00+03:00"),
    });
  }
}
