import assert from "node:assert/strict";
import { DEFAULT_MODEL_DIR, importModel, MODEL_FILE } from "../scripts/import_model.ts";
import { ModelParseError } from "../scripts/java_parser.ts";
import type { Model, ModelMethod, ModelService, ModelStruct } from "../scripts/model_schema.ts";

const committed = await Deno.readTextFile(MODEL_FILE);
const model = JSON.parse(committed) as Model;
/**
 * The upstream model sits beside the repository (../shared) on our machines and in CI; a
 * clone without it still checks the committed model file, but cannot re-import it.
 */
const upstreamPresent = await Deno.stat(DEFAULT_MODEL_DIR).then(() => true, () => false);

function struct(name: string): ModelStruct {
  const found = model.structs.find((item) => item.name === name);
  assert.ok(found, `struct ${name}`);
  return found;
}

function method(service: string, name: string): ModelMethod {
  const found = model.services.find((item) => item.name === service)?.methods.find((item) =>
    item.name === name
  );
  assert.ok(found, `${service}.${name}`);
  return found;
}

/** Counts the model files below `dir` whose text passes `test`. */
async function countFiles(dir: string, test: (text: string) => boolean): Promise<number> {
  let count = 0;
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) count += await countFiles(path, test);
    else if (entry.name.endsWith(".java") && test(await Deno.readTextFile(path))) count++;
  }
  return count;
}

const isType = (text: string) => /^\s*@Type\b/m.test(text);
const isEnum = (text: string) => /^public enum /m.test(text);

Deno.test({
  name: "the committed model file is what the importer produces, byte for byte",
  ignore: !upstreamPresent,
}, async () => {
  const text = await importModel(DEFAULT_MODEL_DIR);
  assert.equal(committed, text);
  assert.equal(await importModel(DEFAULT_MODEL_DIR), text, "importing twice gives the same bytes");
});

Deno.test({ name: "counts match the model files", ignore: !upstreamPresent }, async () => {
  const structFiles = await countFiles(DEFAULT_MODEL_DIR, (text) => isType(text) && !isEnum(text));
  const enumFiles = await countFiles(DEFAULT_MODEL_DIR, (text) => isType(text) && isEnum(text));
  const serviceFiles = await countFiles(
    DEFAULT_MODEL_DIR,
    (text) => /^@(Service|Root)\b/m.test(text),
  );
  assert.equal(structFiles, 217);
  assert.equal(model.structs.length, structFiles + 3, "plus Fault, GracePeriod and Action");
  assert.equal(enumFiles, 115);
  assert.equal(model.enums.length, 115);
  assert.equal(model.enums.filter((item) => item.source.startsWith("types/")).length, 112);
  assert.equal(model.enums.filter((item) => item.source.startsWith("services/gluster/")).length, 3);
  assert.equal(model.services.length, serviceFiles);
  assert.equal(model.services.length, 288);
  assert.equal(
    model.services.filter((service) => service.root).map((s) => s.name).join(),
    "SystemService",
  );
});

Deno.test("structs: inheritance, links, lists and the tag exception table", () => {
  assert.equal(struct("Vm").base, "VmBase");
  assert.equal(struct("InstanceType").base, "Template");
  const diskAttachments = struct("Vm").members.find((m) => m.name === "diskAttachments");
  assert.deepEqual(
    diskAttachments && {
      type: diskAttachments.type,
      list: diskAttachments.list,
      link: diskAttachments.link,
      rel: diskAttachments.rel,
      tag: diskAttachments.tag,
    },
    {
      type: "DiskAttachment",
      list: true,
      link: true,
      rel: "diskattachments",
      tag: "disk_attachments",
    },
  );
  assert.equal(struct("NumaNode").listTag, "host_numa_nodes");
  assert.equal(struct("VirtualNumaNode").tag, "vm_numa_node");
  assert.equal(struct("OperatingSystem").tag, "os");
  assert.equal(struct("OperatingSystemInfo").tag, "operating_system");
  assert.equal(struct("GlusterBrick").listTag, "bricks");
  assert.equal(struct("KatelloErratum").listTag, "katello_errata");
  assert.equal(struct("Qos").listTag, "qoss");
  assert.equal(
    struct("Host").members.find((m) => m.name === "transparentHugePages")?.tag,
    "transparent_hugepages",
  );
  const vlanId = struct("Vlan").members.find((m) => m.name === "id");
  assert.equal(vlanId?.type, "Integer");
  assert.equal(vlanId?.attribute, true);
  const usages = struct("Network").members.find((m) => m.name === "usages");
  assert.equal(usages?.item, "usage");
  assert.equal(usages?.kind, "enum");
  assert.ok(struct("Vm").members.some((m) => m.name === "status" && m.type === "VmStatus"));
  assert.ok(
    struct("VmBase").members.some((m) => m.name === "mDevTypes" && m.tag === "m_dev_types") ||
      model.structs.some((s) => s.members.some((m) => m.tag === "m_dev_types")),
  );
});

Deno.test("added structs: Fault, GracePeriod and Action with the union of action parameters", () => {
  assert.deepEqual(struct("Fault").members.filter((m) => !m.attribute).map((m) => m.name), [
    "reason",
    "detail",
  ]);
  assert.equal(struct("GracePeriod").members.find((m) => m.name === "expiry")?.type, "Integer");
  const action = struct("Action");
  assert.equal(action.base, "Identified");
  const names = action.members.map((m) => m.name);
  for (
    const name of [
      "status",
      "fault",
      "gracePeriod",
      "job",
      "useCloudInit",
      "vm",
      "clone",
      "seal",
      "isAttached",
    ]
  ) {
    assert.ok(names.includes(name), `Action.${name}`);
  }
  assert.equal(action.members.find((m) => m.name === "volatile")?.tag, "volatile");
});

Deno.test("services: methods, signatures, parameters and locators", () => {
  const add = method("VmsService", "add");
  assert.equal(add.kind, "add");
  assert.equal(add.main, "vm");
  const vm = add.parameters.find((p) => p.name === "vm");
  assert.deepEqual([vm?.in, vm?.out], [true, true]);
  for (const name of ["clone", "clonePermissions", "filter", "seal"]) {
    assert.ok(add.parameters.some((p) => p.name === name && p.in && !p.out), name);
  }
  const start = method("VmService", "start");
  assert.equal(start.kind, "action");
  assert.equal(start.segment, "start");
  for (const name of ["useCloudInit", "vm", "volatile", "pause"]) {
    assert.ok(start.parameters.some((p) => p.name === name), name);
  }
  assert.equal(start.parameters.find((p) => p.name === "useCloudInit")?.wire, "use_cloud_init");
  const toPath = method("VmService", "exportToPathOnHost");
  assert.equal(toPath.signatureOf, "export");
  assert.equal(toPath.segment, "export", "a signature sends its parent's request");
  assert.ok(toPath.parameters.some((p) => p.name === "directory"));
  assert.equal(method("VmsService", "addFromScratch").kind, "add");
  assert.equal(
    method("StorageDomainService", "isAttached").parameters.find((p) => p.out)?.type,
    "Boolean",
  );
  assert.equal(method("VmService", "commitSnapshot").segment, "commitsnapshot");
  assert.equal(
    method("VmsService", "list").parameters.find((p) => p.name === "caseSensitive")?.wire,
    "case_sensitive",
  );
  assert.ok(
    method("VmsService", "list").parameters.some((p) => p.name === "follow"),
    "Follow mixin",
  );
  const vmService = model.services.find((s) => s.name === "VmService") as ModelService;
  assert.equal(vmService.base, "MeasurableService");
  const nics = vmService.locators.find((l) => l.name === "nics");
  assert.deepEqual([nics?.segment, nics?.service, nics?.tsName], [
    "nics",
    "VmNicsService",
    "nicsService",
  ]);
  const diskAttachments = vmService.locators.find((l) => l.name === "diskAttachments");
  assert.equal(diskAttachments?.segment, "diskattachments");
  const brick = model.services.find((s) => s.name === "GlusterBricksService")?.locators[0];
  assert.deepEqual([brick?.service, brick?.parameter], ["GlusterBrickService", "id"]);
});

Deno.test("the importer names file, line and column of a file it cannot parse", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/types`);
    await Deno.writeTextFile(
      `${dir}/types/Broken.java`,
      "package types;\n\n@Type\npublic interface Broken {\n    String name(;\n}\n",
    );
    await assert.rejects(
      () => importModel(dir),
      (error: unknown) => {
        assert.ok(error instanceof ModelParseError);
        assert.match(error.message, /^types\/Broken\.java:5:17: /);
        return true;
      },
    );
    await Deno.writeTextFile(
      `${dir}/types/Broken.java`,
      "@Type\npublic interface Broken {\n    Unknown thing();\n}\n",
    );
    await assert.rejects(() => importModel(dir), /types\/Broken\.java:3:1: unknown type Unknown/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
