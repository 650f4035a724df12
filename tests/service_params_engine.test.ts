/**
 * Every option a generated method offers is one the engine reads: `useActive` of a VM backup
 * is sent as `legacy` too, the parameters the engine never reads are left out (refused by
 * TypeScript and at run time), and the cluster upgrade's own correlation id is
 * `upgradeCorrelationId`, apart from the call's `Correlation-Id` header.
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { OvirtError } from "../transport/errors.ts";
import type { CallOptions } from "../transport/service.ts";
import { GenerateError } from "../scripts/generate_error.ts";
import { render } from "../scripts/generate.ts";
import type { Model } from "../scripts/model_schema.ts";
import { SERVICES } from "../services/metadata.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";
import { simulatorSession } from "./sim_session.ts";

const ACTION = "<action><status>complete</status></action>";

/** A fake engine answering `answer` to every API request, and a connection to it. */
async function setUp(answer = ACTION) {
  const engine = await startFakeEngine({ api: () => xml(answer) });
  const connection = new Connection({ url: engine.url, username: USERNAME, password: PASSWORD });
  return {
    engine,
    system: connection.systemService(),
    /** The last API request: its URL, headers and body. */
    last() {
      const request = engine.requests.at(-1)!;
      return { url: new URL(request.url), headers: request.headers, body: engine.bodies.at(-1) };
    },
    async [Symbol.asyncDispose]() {
      await connection.close();
      await engine.close();
    },
  };
}

Deno.test("VM backup add: useActive is sent as legacy too, the parameter the engine reads", async () => {
  await using setup = await setUp("<backup id='b1'><phase>initializing</phase></backup>");
  const backups = setup.system.vmsService().vmService("v1").backupsService();
  await backups.add({ disks: [{ id: "d1" }] }, { useActive: true });
  let query = setup.last().url.searchParams;
  assert.equal(query.get("legacy"), "true", "the engine backs up the active volume");
  assert.equal(query.get("use_active"), "true", "the model's name is kept");
  await backups.add({ disks: [{ id: "d1" }] }, { useActive: false });
  query = setup.last().url.searchParams;
  assert.deepEqual([query.get("legacy"), query.get("use_active")], ["false", "false"]);
  await backups.add({ disks: [{ id: "d1" }] });
  assert.equal(setup.last().url.search, "", "nothing when the option is not set");
});

Deno.test("simulator: a backup with useActive (legacy=true) is made as any other", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const vms = session.connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm002" });
  const service = vms.vmService(vm.id!);
  const [attachment] = await service.diskAttachmentsService().list();
  const backup = await service.backupsService().add(
    { disks: [{ id: attachment.id! }] },
    { useActive: true },
  );
  assert.ok(backup.id);
  assert.equal(backup.snapshot, undefined, "a backup of the active volume takes no snapshot");
});

Deno.test("options the engine never reads are refused at run time, naming the option", async () => {
  await using setup = await setUp();
  const vm = setup.system.vmsService().vmService("v1");
  const step = setup.system.jobsService().jobService("j1").stepsService().stepService("s1");
  const refused: [string, () => Promise<unknown>][] = [
    // @ts-expect-error: the engine never reads authorized_key at a start
    ["authorizedKey", () => vm.start({ authorizedKey: { key: "ssh-ed25519 AAAA" } })],
    // @ts-expect-error: nor force at a step's end
    ["force", () => step.end({ force: true, succeeded: false })],
    // @ts-expect-error: nor vm at a snapshot preview
    ["vm", () => vm.previewSnapshot({ snapshot: { id: "s1" }, vm: { name: "x" } })],
    // @ts-expect-error: nor an export domain's options in an OVA export
    ["exclusive", () => vm.exportToPathOnHost({ host: { id: "h1" }, exclusive: true })],
    [
      "follow",
      // @ts-expect-error: nor follow in a conversion's body
      () => setup.system.disksService().diskService("d1").convert({ follow: "x", disk: {} }),
    ],
  ];
  const sent = setup.engine.requests.length;
  for (const [option, call] of refused) {
    await assert.rejects(call(), (error: unknown) => {
      assert.ok(error instanceof OvirtError, option);
      assert.match(error.message, new RegExp(`^"${option}" is not an option of the \\w+ action`));
      return true;
    });
  }
  assert.equal(setup.engine.requests.length, sent, "nothing was sent");
  await vm.start({
    useCloudInit: true,
    vm: { initialization: { authorizedSshKeys: "ssh-ed25519 K" } },
  });
  assert.match(setup.last().body!, /<authorized_ssh_keys>ssh-ed25519 K<\/authorized_ssh_keys>/);
});

Deno.test("the generated methods leave out what the engine never reads", () => {
  const params = (service: string, method: string) =>
    SERVICES[service].methods.find((m) => m.name === method)!.params.map((p) => p.wire);
  assert.ok(!params("VmService", "start").includes("authorized_key"));
  assert.ok(!params("StepService", "end").includes("force"));
  assert.ok(params("JobService", "end").includes("force"), "a job's end reads it");
  assert.ok(!params("VmService", "previewSnapshot").includes("vm"));
  assert.ok(!params("DiskService", "convert").includes("follow"));
  assert.ok(!params("StorageDomainTemplateService", "import").includes("vm"));
  assert.ok(params("VmService", "export").includes("exclusive"), "an export domain's");
  assert.deepEqual(params("TemplateService", "exportToPathOnHost"), [
    "host",
    "directory",
    "filename",
  ]);
});

Deno.test("cluster upgrade: upgradeCorrelationId is any string in the body; correlationId the header", async () => {
  await using setup = await setUp();
  const cluster = setup.system.clustersService().clusterService("c1");
  for (const id of ["ansible:cluster_upgrade.2026-12-07", "a".repeat(40), "ticket/42 é"]) {
    await cluster.upgrade({
      upgradeAction: "start",
      upgradeCorrelationId: id,
      correlationId: "call-1",
    });
    const { body, headers } = setup.last();
    const sent = body!.match(/<correlation_id>(.*)<\/correlation_id>/)?.[1];
    assert.equal(sent, id, "the upgrade's id, as given");
    assert.equal(headers.get("correlation-id"), "call-1", "the call's own id stays the header");
  }
  await cluster.upgrade({ upgradeAction: "finish", correlationId: "call-2" });
  assert.doesNotMatch(setup.last().body!, /correlation_id/, "the header is not sent as the body's");
  assert.equal(setup.last().headers.get("correlation-id"), "call-2");
});

const model = JSON.parse(await Deno.readTextFile("model/model.json")) as Model;

/** The model with `parameter` added to `VmService.start`. */
function withStartParameter(parameter: { name: string; kind: string; type: string }): Model {
  const copy = structuredClone(model);
  const start = copy.services.find((s) => s.name === "VmService")!.methods
    .find((m) => m.tsName === "start")!;
  start.parameters.push({
    ...parameter,
    kind: parameter.kind as "string",
    tsName: parameter.name,
    wire: parameter.name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
    list: false,
    in: true,
    out: false,
    deprecated: false,
  });
  return copy;
}

/** Every key of `CallOptions`: a key added there fails to compile here until it is listed. */
const CALL_OPTION_KEYS: Record<keyof CallOptions, true> = {
  headers: true,
  query: true,
  signal: true,
  retry: true,
  correlationId: true,
};

Deno.test("the generator refuses a parameter named as a call option, whatever its type", () => {
  for (const name of Object.keys(CALL_OPTION_KEYS)) {
    const model = withStartParameter({ name, kind: "string", type: "String" });
    assert.throws(() => render(model), (error: unknown) => {
      assert.ok(error instanceof GenerateError, name);
      assert.match(error.message, /VmService\.start: parameter \w+ is a key of CallOptions/);
      return true;
    });
  }
});

Deno.test("the generator refuses a table entry that names no parameter of the model", () => {
  const without = (service: string, method: string, wire: string) => {
    const copy = structuredClone(model);
    const found = copy.services.find((s) => s.name === service)!.methods
      .find((m) => m.tsName === method)!;
    found.parameters = found.parameters.filter((p) => p.wire !== wire);
    return copy;
  };
  assert.throws(
    () => render(without("VmService", "start", "authorized_key")),
    /VmService\.start\.authorized_key: no such parameter in the model/,
  );
  assert.throws(
    () => render(without("ClusterService", "upgrade", "correlation_id")),
    /ClusterService\.upgrade\.correlation_id: no such parameter in the model/,
  );
});

Deno.test("the generator refuses an engine parameter the model declares now, or whose method it lacks", () => {
  const declared = structuredClone(model);
  const approve = declared.services.find((s) => s.name === "HostService")!.methods
    .find((m) => m.tsName === "approve")!;
  approve.parameters.push({
    ...approve.parameters.find((p) => p.wire === "activate")!,
    name: "force",
    tsName: "force",
    wire: "root_password",
    kind: "string",
    type: "String",
  });
  assert.throws(
    () => render(declared),
    /HostService\.approve\.root_password: the model declares it now/,
  );
  const lacking = structuredClone(model);
  const user = lacking.services.find((s) => s.name === "UserService")!;
  user.methods = user.methods.filter((m) => m.tsName !== "update");
  assert.throws(() => render(lacking), /UserService\.update: no such method in the model/);
  const noAction = structuredClone(model);
  const action = noAction.structs.find((s) => s.name === "Action")!;
  action.members = action.members.filter((m) => m.tag !== "iscsi_targets");
  assert.throws(
    () => render(noAction),
    /unregisteredStorageDomainsDiscover\.iscsi_targets: an action's parameter is an Action member/,
  );
});

Deno.test("the generated methods add what the engine reads and the model lacks", () => {
  const params = (service: string, method: string) =>
    SERVICES[service].methods.find((m) => m.name === method)!.params.map((p) => p.wire);
  assert.ok(params("HostService", "unregisteredStorageDomainsDiscover").includes("iscsi_targets"));
  assert.ok(params("StorageDomainTemplateService", "register").includes("vm"));
  assert.ok(params("GlusterVolumeService", "resetAllOptions").includes("force"));
  for (const method of ["approve", "approveUsingRootPassword", "approveUsingSsh"]) {
    assert.ok(params("HostService", method).includes("root_password"), method);
    assert.ok(params("HostService", method).includes("ssh"), method);
  }
  for (const service of ["StorageDomainDiskService", "AttachedStorageDomainDiskService"]) {
    assert.deepEqual(params(service, "copy").slice(-4), [
      "disk_profile",
      "quota",
      "async",
      "filter",
    ]);
    assert.ok(params(service, "move").includes("disk_profile"), service);
    assert.ok(params(service, "get").includes("unregistered"), service);
  }
  assert.deepEqual(params("TemplateDiskService", "remove"), ["async", "force", "storage_domain"]);
  assert.deepEqual(params("UserService", "update"), ["merge"]);
});
