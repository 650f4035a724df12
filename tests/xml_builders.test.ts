import "../types/register.ts";
import assert from "node:assert/strict";
import { STRUCTS } from "../types/metadata.ts";
import { MODEL_SCHEMA } from "../transport/xml/schema.ts";

Deno.test("builders: every struct's builder sets its slots as the members, in order", () => {
  for (const name of Object.keys(STRUCTS)) {
    const struct = MODEL_SCHEMA.struct(name);
    const slots = struct.members.map((member) => `value of ${member.name}`);
    const object = new struct.build(slots);
    assert.equal(Object.getPrototypeOf(object), Object.prototype, name);
    assert.deepEqual(
      Object.entries(object),
      struct.members.map((member) => [member.name, `value of ${member.name}`]),
      name,
    );
  }
});

Deno.test("builders: absent slots give absent members, false and 0 are kept", () => {
  const struct = MODEL_SCHEMA.struct("Vm");
  const slots: unknown[] = new Array(struct.members.length).fill(undefined);
  const index = (name: string) => struct.members.findIndex((member) => member.name === name);
  slots[index("stateless")] = false;
  slots[index("memory")] = 0;
  slots[index("name")] = "";
  assert.deepEqual(new struct.build(slots), { name: "", memory: 0, stateless: false });
  assert.deepEqual(new struct.build([]), {});
});
