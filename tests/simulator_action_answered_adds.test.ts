/**
 * Adds the engine answers with `200` and a completed `<action>` instead of the object
 * added (the change is made): checked on the raw answer, with plain `fetch`.
 */

import assert from "node:assert/strict";
import { startSimulator } from "../testing/mod.ts";
import { rawSender } from "./sim_session.ts";

Deno.test("simulator: adding a host to an affinity group answers a completed action", async () => {
  await using sim = await startSimulator({ delay: 0 });
  const send = rawSender(sim);
  const idIn = (xml: string) => /id="([^"]+)"/.exec(xml)![1];
  const cluster = idIn((await send("GET", "clusters?search=name%3DDefault")).text);
  const host = idIn((await send("GET", "hosts?max=1")).text);
  const groups = `clusters/${cluster}/affinitygroups`;
  const group = idIn(
    (await send("POST", groups, "<affinity_group><name>ag</name></affinity_group>")).text,
  );
  const added = await send("POST", `${groups}/${group}/hosts`, `<host id="${host}"/>`);
  assert.equal(added.status, 200);
  assert.match(
    added.text,
    /^<\?xml[^>]*\?>\s*<action>\s*<status>complete<\/status>\s*<\/action>\s*$/,
  );
  assert.match((await send("GET", `${groups}/${group}/hosts`)).text, new RegExp(`id="${host}"`));
  const vms = await send(
    "POST",
    `${groups}/${group}/vms`,
    `<vm id="${idIn((await send("GET", "vms?max=1")).text)}"/>`,
  );
  assert.equal(vms.status, 201, "a VM added to a group is answered with the VM");
});

Deno.test("simulator: attaching a connection to a storage domain answers a completed action", async () => {
  await using sim = await startSimulator({ delay: 0 });
  const headers = {
    Authorization: "Basic " + btoa(`${sim.username}:${sim.password}`),
    "Content-Type": "application/xml",
  };
  const get = async (path: string) => await (await fetch(`${sim.url}/${path}`, { headers })).text();
  const domain = /id="([^"]+)"/.exec(await get("storagedomains?search=name%3Ddata"))![1];
  const made = await fetch(`${sim.url}/storageconnections`, {
    method: "POST",
    headers,
    body: "<storage_connection><address>nfs.example.com</address><path>/more</path>" +
      "<type>nfs</type></storage_connection>",
  });
  const connection = /id="([^"]+)"/.exec(await made.text())![1];
  const added = await fetch(`${sim.url}/storagedomains/${domain}/storageconnections`, {
    method: "POST",
    headers,
    body: `<storage_connection id="${connection}"/>`,
  });
  assert.equal(added.status, 200);
  assert.match(await added.text(), /<action>\s*<status>complete<\/status>\s*<\/action>/);
  assert.match(await get(`storagedomains/${domain}/storageconnections`), new RegExp(connection));
});
