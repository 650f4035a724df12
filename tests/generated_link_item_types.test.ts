/**
 * A link member whose items the model mistypes (`LINK_ITEM_TYPES`, `scripts/engine_facts.ts`)
 * is typed as what following it gives: `ExternalHostProvider.hosts` leads to
 * `ExternalHostsService`, whose `list()` answers `ExternalHost` objects, not `Host`s.
 */

import assert from "node:assert/strict";
import { fromXml, toXml, type types } from "../mod.ts";
import { render } from "../scripts/generate.ts";
import type { Model } from "../scripts/model_schema.ts";
import { simulatorSession } from "./sim_session.ts";

/** `true` when `A` and `B` are the same type, else `false`. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;

type ProviderHost = NonNullable<types.ExternalHostProvider["hosts"]>[number];

Deno.test("an external host provider's hosts are ExternalHosts, as following them gives", async () => {
  const typed: Same<ProviderHost, types.ExternalHost> = true;
  assert.ok(typed);
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const providers = connection.systemService().externalHostProvidersService();
  let [provider] = await providers.list();
  if (provider === undefined) {
    await providers.add({ name: "foreman", url: "https://foreman.example.com" });
    [provider] = await providers.list();
  }
  const followed = await connection.followLink(provider.hosts!);
  const listed = await providers.providerService(provider.id!).hostsService().list();
  const followedTyped: Same<typeof followed, types.ExternalHost[]> = true;
  assert.ok(followedTyped);
  assert.deepEqual(followed.map((host) => host.id), listed.map((host) => host.id));
});

Deno.test("hosts inlined in a provider are read as ExternalHosts", () => {
  const provider = fromXml(
    "<external_host_provider id='p'><hosts><host id='1'><address>a.example</address>" +
      "<external_host_provider id='p'/><status>up</status></host></hosts>" +
      "</external_host_provider>",
  ) as types.ExternalHostProvider;
  assert.deepEqual({ ...provider.hosts![0] }, {
    id: "1",
    address: "a.example",
    externalHostProvider: { id: "p" },
  }, "an ExternalHost has no status: the host's is not read");
  // Written back with the schema's item tag, as it was read.
  assert.equal(
    toXml("external_host_provider", provider),
    '<external_host_provider id="p"><hosts><host id="1"><address>a.example</address>' +
      '<external_host_provider id="p"/></host></hosts></external_host_provider>',
  );
});

Deno.test("the generator refuses an item type for a member that is no link list", () => {
  const model = JSON.parse(Deno.readTextFileSync("model/model.json")) as Model;
  const provider = model.structs.find((struct) => struct.name === "ExternalHostProvider")!;
  provider.members = provider.members.filter((member) => member.tag !== "hosts");
  assert.throws(
    () => render(model),
    /ExternalHostProvider\.hosts: no such link list member in the model/,
  );
});
