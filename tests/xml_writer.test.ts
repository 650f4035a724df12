import "../types/register.ts";
import assert from "node:assert/strict";
import { OvirtError } from "../transport/errors.ts";
import { fromXml, toXml, writeStruct, writeXml } from "../transport/xml/mod.ts";
import type * as types from "../types/mod.ts";

Deno.test("writer: root tag, attributes, only the members that are set", () => {
  const xml = toXml("vm", {
    id: "7a1",
    href: "/ovirt-engine/api/vms/7a1",
    name: "web01",
    description: undefined,
    comment: null,
    cluster: { name: "Default" },
  });
  assert.equal(
    xml,
    `<vm href="/ovirt-engine/api/vms/7a1" id="7a1"><name>web01</name>` +
      `<cluster><name>Default</name></cluster></vm>`,
  );
  assert.ok(!xml.startsWith("<?xml"));
});

Deno.test("writer: false, 0 and the empty string are written", () => {
  assert.equal(
    toXml("vm", { name: "", memory: 0, stateless: false }),
    `<vm><name></name><memory>0</memory><stateless>false</stateless></vm>`,
  );
  assert.equal(toXml("vm", {}), `<vm/>`);
});

Deno.test("writer: lists have a wrapper, struct items the struct's tag, others the item name", () => {
  assert.equal(
    toXml("host", { numaNodes: [{ index: 0 }, { index: 1 }] }),
    `<host><host_numa_nodes><host_numa_node><index>0</index></host_numa_node>` +
      `<host_numa_node><index>1</index></host_numa_node></host_numa_nodes></host>`,
  );
  assert.equal(
    toXml("vm", { os: { boot: { devices: ["hd", "cdrom"] } } }),
    `<vm><os><boot><devices><device>hd</device><device>cdrom</device></devices></boot></os></vm>`,
  );
  assert.equal(
    toXml("network", { usages: ["vm", "display"] }),
    `<network><usages><usage>vm</usage><usage>display</usage></usages></network>`,
  );
  assert.equal(toXml("vm", { nics: [] }), `<vm><nics/></vm>`);
  assert.equal(toXml("vms", []), `<vms/>`);
  assert.equal(
    toXml("vms", [{ id: "1" }, { name: "b" }]),
    `<vms><vm id="1"/><vm><name>b</name></vm></vms>`,
  );
  assert.equal(
    toXml("bricks", [{ serverId: "s" }]),
    `<bricks><brick><server_id>s</server_id></brick></bricks>`,
  );
});

Deno.test("writer: integer and enum ids are attributes", () => {
  assert.equal(toXml("vlan", { id: 100 }), `<vlan id="100"/>`);
  assert.equal(
    toXml("vm", { sso: { methods: [{ id: "guest_agent" }] } }),
    `<vm><sso><methods><method id="guest_agent"/></methods></sso></vm>`,
  );
});

Deno.test("writer: dates are UTC with milliseconds", () => {
  assert.equal(
    toXml("vm", { creationTime: new Date("2024-05-01T12:20:30+02:00") }),
    `<vm><creation_time>2024-05-01T10:20:30.000Z</creation_time></vm>`,
  );
});

Deno.test("writer: decimals and integers never use an exponent", () => {
  const speed = (value: number) => toXml("cpu", { speed: value });
  assert.equal(speed(1e-7), `<cpu><speed>0.0000001</speed></cpu>`);
  assert.equal(speed(-1.5e-10), `<cpu><speed>-0.00000000015</speed></cpu>`);
  assert.equal(speed(1.25e21), `<cpu><speed>1250000000000000000000</speed></cpu>`);
  assert.equal(speed(2.5), `<cpu><speed>2.5</speed></cpu>`);
  assert.equal(toXml("vm", { memory: 1e18 }), `<vm><memory>1000000000000000000</memory></vm>`);
  for (const value of [1e-7, 1.5e-10, 1.25e21, 123.456, 5e-324, 1.7976931348623157e308]) {
    assert.deepEqual(fromXml(speed(value)), { speed: value });
  }
});

Deno.test("writer: escapes text and attributes", () => {
  assert.equal(
    toXml("vm", { id: `a"b&<c>'`, name: `x & y < z > w "q" 'a'` }),
    `<vm id="a&quot;b&amp;&lt;c&gt;'"><name>x &amp; y &lt; z &gt; w "q" 'a'</name></vm>`,
  );
  const tricky = { id: "tab\there\nnew\rline", name: "cr\r\nlf ]]> end" };
  assert.deepEqual(fromXml(toXml("vm", tricky)), tricky);
});

Deno.test("writer: writeStruct uses the struct's tag, for bodies and actions", () => {
  assert.equal(
    writeStruct("Action", { async: false, vm: { id: "1" }, useCloudInit: true }),
    `<action><async>false</async><use_cloud_init>true</use_cloud_init><vm id="1"/></action>`,
  );
  assert.equal(writeStruct("Action", {}), `<action/>`);
  assert.equal(
    writeStruct("StorageConnection", { address: "a" }),
    `<storage_connection><address>a</address></storage_connection>`,
  );
  assert.equal(writeXml("vm", { name: "a" }), toXml("vm", { name: "a" }));
});

Deno.test("writer: a property that is no member is refused, not left out", () => {
  // A typo or a snake_case name left out would send something else than asked.
  for (
    const [value, refused] of [
      [{ name: "a", notAMember: 1 }, /vm\.notAMember is not a member of Vm/],
      [{ memory_policy: { guaranteed: 1 } }, /vm\.memory_policy is not a member of Vm/],
      [{ initialization: { user_nme: "root" } }, /vm\.initialization\.user_nme is not a member/],
    ] as const
  ) {
    assert.throws(() => toXml("vm", value), refused);
  }
  assert.equal(toXml("vm", { name: "a", comment: undefined }), `<vm><name>a</name></vm>`);
});

Deno.test("writer: what is set on every object is no member; a class's getters are", () => {
  const prototype = Object.prototype as Record<string, unknown>;
  prototype.comment = "set on every object";
  try {
    assert.equal(toXml("vm", { name: "a" }), `<vm><name>a</name></vm>`);
  } finally {
    delete prototype.comment;
  }
  class Named {
    get name() {
      return "from a getter";
    }
  }
  assert.equal(toXml("vm", new Named()), `<vm><name>from a getter</name></vm>`);
});

Deno.test("writer: integers past 2^53 given as numbers are written as their value", () => {
  assert.equal(
    toXml("disk", { provisionedSize: 2 ** 60 }),
    `<disk><provisioned_size>1152921504606846976</provisioned_size></disk>`,
  );
});

Deno.test("writer: a value that does not fit its member is refused", () => {
  const cases: [string, object, RegExp][] = [
    ["vm", { memory: "1024" }, /vm\.memory needs an integer, got "1024"/],
    ["vm", { memory: 1.5 }, /vm\.memory needs an integer, got 1\.5/],
    ["vm", { memory: NaN }, /vm\.memory needs an integer/],
    ["cpu", { speed: NaN }, /cpu\.speed needs a finite number, got NaN/],
    ["cpu", { speed: Infinity }, /cpu\.speed needs a finite number/],
    [
      "vm",
      { creationTime: new Date("nope") },
      /vm\.creationTime needs a valid Date.*got an invalid Date/,
    ],
    [
      "vm",
      { creationTime: new Date(Date.UTC(10000, 0, 1)) },
      /vm\.creationTime needs a valid Date \(years 0-9999\), got \+010000-01-01T00:00:00\.000Z/,
    ],
    ["vm", { creationTime: "2024-01-01T00:00:00Z" }, /vm\.creationTime needs a valid Date/],
    ["vm", { stateless: "true" }, /vm\.stateless needs a boolean/],
    ["vm", { name: 5 }, /vm\.name needs a string, got 5/],
    ["vm", { status: 1 }, /vm\.status needs a string/],
    ["vm", { cpu: "fast" }, /vm\.cpu needs an object of type Cpu/],
    ["vm", { cpu: [] }, /vm\.cpu needs an object of type Cpu/],
    ["vm", { nics: { id: "1" } }, /vm\.nics needs an array/],
    ["vm", { nics: [5] }, /vm\.nics\[0\] needs an object of type Nic/],
    ["vm", { os: { boot: { devices: ["hd", 3] } } }, /vm\.os\.boot\.devices\[1\] needs a string/],
    ["vm", { name: "bad\u0001char" }, /vm\.name holds characters XML cannot carry/],
    ["vm", { name: "lone \ud800" }, /vm\.name holds characters XML cannot carry/],
    ["vlan", { id: "100" }, /vlan\.id needs an integer/],
    // a credential given with the wrong type is not echoed
    ["host", { rootPassword: 31415926 }, /^host\.rootPassword needs a string, got a number$/],
    ["user", { password: true }, /^user\.password needs a string, got a boolean$/],
    [
      "openstack_volume_authentication_key",
      { value: 27182818 },
      /^openstack_volume_authentication_key\.value needs a string, got a number$/,
    ],
  ];
  for (const [tag, value, pattern] of cases) {
    assert.throws(() => toXml(tag, value), (error: unknown) => {
      assert.ok(error instanceof OvirtError, String(error));
      assert.match(error.message, pattern);
      return true;
    });
  }
  assert.throws(() => toXml("nonsense", {}), /Unknown XML document root <nonsense>/);
  // An object that holds itself is refused, not a RangeError of the call stack.
  const vm: Record<string, unknown> = { name: "loop" };
  vm.diskAttachments = [{ vm }];
  assert.throws(() => toXml("vm", vm), (error: unknown) => {
    assert.ok(error instanceof OvirtError, String(error));
    assert.match(error.message, /^vm\.diskAttachments\[0\]\.vm\..* nested deeper than 256 levels/);
    return true;
  });
  assert.throws(() => toXml("vms", { id: "1" }), /<vms> needs an array/);
  assert.throws(() => toXml("vm", [{ id: "1" }]), /vm needs an object of type Vm/);
  assert.throws(() => writeStruct("Nonsense", {}), /Unknown struct type Nonsense/);
});

Deno.test("writer: a link list read from the server is not written back as an empty list", () => {
  const vm = fromXml(
    '<vm id="1"><name>a</name><link href="/ovirt-engine/api/vms/1/nics" rel="nics"/>' +
      "<payloads/></vm>",
  ) as types.Vm;
  assert.equal(vm.nics?.href, "/ovirt-engine/api/vms/1/nics");
  const xml = toXml("vm", vm);
  assert.doesNotMatch(xml, /<nics/, "an unfollowed link list is left out");
  assert.match(xml, /<payloads\/>/, "a really empty list is still written");
  assert.match(toXml("vm", { nics: [] }), /<nics\/>/);
});
