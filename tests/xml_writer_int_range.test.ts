/**
 * The writer refuses, before sending, an integer outside its member's range in the engine's
 * schema (32 bits for an `xs:int`, 64 for an `xs:long`): the engine would refuse it, or keep
 * another value below the range (it wraps what is below -2^31 of an `xs:int`).
 */

import assert from "node:assert/strict";
import { OvirtError, toXml } from "../mod.ts";
import { GenerateError } from "../scripts/generate_error.ts";
import { render } from "../scripts/generate.ts";
import type { Model } from "../scripts/model_schema.ts";
import { startSimulator } from "../testing/mod.ts";
import { simulatorSession } from "./sim_session.ts";

/** Asserts that `write` throws an `OvirtError` whose message matches `message`. */
function refuses(write: () => unknown, message: RegExp): void {
  assert.throws(write, (error: unknown) => {
    assert.ok(error instanceof OvirtError, `expected an OvirtError, got ${error}`);
    assert.match(error.message, message);
    return true;
  });
}

Deno.test("writer: an xs:int member takes -2^31 to 2^31-1, naming the member otherwise", () => {
  for (const cores of [2 ** 31, -(2 ** 31) - 1, 2 ** 32 + 2, -(2 ** 32) + 2, 2n ** 40n]) {
    refuses(
      () => toXml("vm", { cpu: { topology: { cores } } }),
      new RegExp(
        `^vm\\.cpu\\.topology\\.cores needs an integer from -2147483648 to 2147483647 ` +
          `\\(the engine's integer\\), got ${cores}$`,
      ),
    );
  }
  assert.equal(
    toXml("vm", { cpu: { topology: { cores: 2 ** 31 - 1, sockets: -(2 ** 31) } } }),
    "<vm><cpu><topology><sockets>-2147483648</sockets><cores>2147483647</cores>" +
      "</topology></cpu></vm>",
  );
  refuses( // an integer attribute too
    () => toXml("network", { vlan: { id: 2 ** 32 + 100 } }),
    /^network\.vlan\.id needs an integer from -2147483648 to 2147483647/,
  );
});

Deno.test("writer: an xs:long member takes 64 bits, inherited ones too", () => {
  assert.equal(
    toXml("vm", { memory: 2 ** 40, memoryPolicy: { guaranteed: 2n ** 63n - 1n } }),
    "<vm><memory>1099511627776</memory>" +
      "<memory_policy><guaranteed>9223372036854775807</guaranteed></memory_policy></vm>",
  );
  assert.equal(
    toXml("template", { memory: -(2n ** 63n) }),
    "<template><memory>-9223372036854775808</memory></template>",
  );
  refuses(
    () => toXml("vm", { memory: 2n ** 63n }),
    /^vm\.memory needs an integer from -9223372036854775808 to 9223372036854775807 \(the engine's long\), got 9223372036854775808$/,
  );
  refuses(
    () => toXml("instance_type", { memory: -(2n ** 63n) - 1n }),
    /^instance_type\.memory needs an integer from -9223372036854775808/,
  );
  refuses(() => toXml("disk", { provisionedSize: 2n ** 64n }), /^disk\.provisionedSize needs/);
  // A 32-bit member of the same struct stays 32-bit.
  assert.equal(
    toXml("disk", { lunStorage: { logicalUnits: [{ size: 2 ** 40 }] } }),
    "<disk><lun_storage><logical_units><logical_unit><size>1099511627776</size>" +
      "</logical_unit></logical_units></lun_storage></disk>",
  );
  refuses(
    () => toXml("disk", { lunStorage: { logicalUnits: [{ size: 2 ** 40, port: 2 ** 31 }] } }),
    /^disk\.lunStorage\.logicalUnits\[0\]\.port needs an integer from -2147483648/,
  );
});

Deno.test("writer: a ticket's expiry (xs:unsignedInt) takes 0 to 2^31-1, as the engine reads it", () => {
  assert.equal(
    toXml("ticket", { expiry: 2 ** 31 - 1 }),
    "<ticket><expiry>2147483647</expiry></ticket>",
  );
  for (const expiry of [-1, 2 ** 31]) {
    refuses(
      () => toXml("ticket", { expiry }),
      /^ticket\.expiry needs an integer from 0 to 2147483647 \(the engine's unsigned integer\)/,
    );
  }
});

Deno.test("writer: add() with a 32-bit value out of range is refused before anything is sent", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const events = session.connection.systemService().eventsService();
  const before = (await events.list()).length;
  for (const customId of [2 ** 32 + 2, -(2 ** 32) + 2]) {
    let caught: unknown;
    await events.add({ customId, origin: "script", severity: "normal", description: "d" })
      .catch((error) => caught = error);
    assert.ok(caught instanceof OvirtError, `expected an OvirtError, got ${caught}`);
    assert.equal(caught.code, undefined, "refused before any answer");
    assert.match(
      caught.message,
      /^event\.customId needs an integer from -2147483648 to 2147483647/,
    );
  }
  assert.equal((await events.list()).length, before);
  const added = await events.add({
    customId: -(2 ** 31),
    origin: "script",
    severity: "normal",
    description: "d",
  });
  assert.equal(added.customId, -(2 ** 31));
});

Deno.test("writer: the simulator's checks and the writer's agree on which members are long", async () => {
  await using sim = await startSimulator({ delay: 0 });
  // The simulator takes 2^40 where the writer does, over raw HTTP.
  const post = (path: string, body: string) =>
    fetch(`${sim.url}/${path}`, {
      method: "POST",
      body,
      headers: {
        Authorization: "Basic " + btoa(`${sim.username}:${sim.password}`),
        "Content-Type": "application/xml",
      },
    }).then(async (answer) => ({ status: answer.status, text: await answer.text() }));
  const vm = toXml("vm", {
    name: "wide",
    cluster: { name: "Default" },
    template: { name: "Blank" },
    memory: 2 ** 40,
    memoryPolicy: { guaranteed: 2 ** 40, max: 2 ** 41 },
  });
  assert.equal((await post("vms", vm)).status, 201);
  const narrow = vm.replace("<name>wide</name>", "<name>narrow</name>")
    .replace("</vm>", "<cpu><topology><cores>1099511627776</cores></topology></cpu></vm>");
  const refused = await post("vms", narrow);
  assert.equal(refused.status, 400);
  assert.match(refused.text, /<reason>Invalid value<\/reason>/);
  assert.match(refused.text, /Value 1099511627776 is greater than maximum integer 2147483647/);
});

Deno.test("the generator refuses a wide integer fact that names no integer member of the model", async () => {
  const model = JSON.parse(await Deno.readTextFile("model/model.json")) as Model;
  const changed = (change: (copy: Model) => void) => {
    const copy = structuredClone(model);
    change(copy);
    return copy;
  };
  const disk = (copy: Model) => copy.structs.find((struct) => struct.name === "Disk")!;
  const refusals: [Model, RegExp][] = [
    [
      changed((copy) =>
        disk(copy).members = disk(copy).members.filter((m) => m.tag !== "total_size")
      ),
      /^Disk\.total_size: no such integer member in the model$/,
    ],
    [
      changed((copy) => copy.structs = copy.structs.filter((struct) => struct.name !== "Ticket")),
      /^Ticket\.expiry: no such integer member in the model$/,
    ],
    [
      changed((copy) => disk(copy).members.find((m) => m.tag === "actual_size")!.kind = "string"),
      /^Disk\.actual_size: no such integer member in the model$/,
    ],
  ];
  for (const [copy, message] of refusals) {
    assert.throws(() => render(copy), (error: unknown) => {
      assert.ok(error instanceof GenerateError, `expected a GenerateError, got ${error}`);
      assert.match(error.message, message);
      return true;
    });
  }
});
