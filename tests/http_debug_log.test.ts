import assert from "node:assert/strict";
import { Connection, listStream } from "../mod.ts";
import { redact } from "../transport/redact.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";

/** A connection to `url` as USERNAME with `password`, its debug log into `lines`, no retries. */
function loggedConnection(url: string, password: string, lines: string[]): Connection {
  return new Connection({
    url,
    username: USERNAME,
    password,
    debug: true,
    log: (line) => lines.push(line),
    retry: false,
  });
}

Deno.test("debug: requests and answers are logged without passwords or tokens", async () => {
  let rejectOnce = true;
  await using engine = await startFakeEngine({
    api: (request) => {
      if (rejectOnce) {
        rejectOnce = false;
        return new Response("<html/>", { status: 401, headers: { "Content-Type": "text/html" } });
      }
      const url = new URL(request.url);
      return xml(`<vms><vm id="1"><name>web</name></vm></vms><!-- ${url.search} -->`);
    },
  });
  const lines: string[] = [];
  const connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    debug: true,
    log: (line) => lines.push(line),
    headers: { "X-Auth-Token": "hdr-s3cret", "X-Request-Note": "shown" },
  });
  await connection.systemService().vmsService().list({ search: "name=web" });
  await connection.close();
  await engine.close();

  const log = lines.join("\n");
  const tokens = engine.logouts.map((form) => form.get("token")!);
  assert.equal(engine.logins.length, 2);
  assert.equal(tokens.length, 2, "the rejected token is revoked too, and so is the second");
  for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), ...tokens]) {
    assert.ok(!log.includes(secret), `the log must not contain ${secret}`);
  }
  assert.ok(!/token-\d/.test(log), "no token at all, not even the rejected one");
  assert.ok(!log.includes("hdr-s3cret"), "a header of the caller's that carries a credential");
  assert.match(log, /> x-auth-token: \*\*\*/i);
  assert.match(log, /> x-request-note: shown/i);
  assert.match(log, /> POST http:\/\/127\.0\.0\.1:\d+\/ovirt-engine\/sso\/oauth\/token/);
  assert.match(log, /> GET http:\/\/127\.0\.0\.1:\d+\/ovirt-engine\/api\/vms\?search=name%3Dweb/);
  assert.match(log, /< 401 Unauthorized \(GET .*\/vms\?search=name%3Dweb, \d+\.\d ms\)/);
  assert.match(log, /< 200 OK \(GET .*, \d+\.\d ms\)/);
  assert.match(log, /> authorization: \*\*\*/i);
  assert.match(log, /password=\*\*\*/);
  assert.match(log, /"access_token":"\*\*\*"/);
  assert.match(log, /<name>web<\/name>/, "bodies are logged");
  assert.match(log, /sso-logout/);
});

Deno.test("debug: nothing is logged without debug", async () => {
  await using engine = await startFakeEngine();
  const lines: string[] = [];
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    log: (line) => lines.push(line),
  });
  assert.equal(await connection.test(), true);
  assert.deepEqual(lines, []);
});

Deno.test("redact: secrets where they stand, and nothing else", () => {
  const text = [
    "Authorization: Bearer abc.def",
    "> cookie: JSESSIONID=s3ss10n",
    "< set-cookie: JSESSIONID=s3ss10n2; Path=/",
    "grant_type=password&username=u&password=hunter2",
    "scope=ovirt-app-api&token=xyz",
    '{"access_token": "tok\\"en", "exp": "1"}',
    "the VM hunter is named like nothing secret; token words alone stay",
    "> x-auth-token: t0k3n",
    "> X-API-Key: k3y",
    "> x-vault-token: v4ult",
    "> x-client-secret: s3cr3t",
    "> x-plain: visible",
    "> x-auth.token: d0tted",
    "> private~token: t1lde",
    "> x.api.key: k3y2",
    "> x-api_key: k3y3",
    "> JSESSIONID: s3ss10n3",
    "< jsessionid: s3ss10n4",
    "> GET https://engine/ovirt-engine/api/vms?max=1&api_key=q5ery&x.secret=q6ery",
    "<description>auth: not a header line</description>",
    "next=/vms?token=q7ery",
    "form: api+key=q8ery&api%20key=q9ery",
    "> POST https://sso%40u:pr0xy-pw@sso.example/oauth/token",
    `> POST ${new URL("http://o'brien:it's-pw@sso.example/t").href}`,
    "< 400 Bad Request (POST http://only-user@h/x, 1.0 ms)",
    "see https://docs.example/a@b and mail admin@internal",
  ].join("\n");
  const redacted = redact(text);
  for (
    const leak of [
      "abc.def",
      "s3ss10n",
      "hunter2",
      "xyz",
      'tok\\"en',
      "t0k3n",
      "k3y",
      "v4ult",
      "s3cr3t",
      "d0tted",
      "t1lde",
      "k3y2",
      "k3y3",
      "s3ss10n3",
      "s3ss10n4",
      "q5ery",
      "q6ery",
      "q7ery",
      "q8ery",
      "q9ery",
      "pr0xy-pw",
      "only-user",
      "it's-pw",
      "o'brien",
    ]
  ) {
    assert.ok(!redacted.includes(leak), `${leak} leaked in ${redacted}`);
  }
  assert.match(redacted, /^> POST https:\/\/\*\*\*@sso\.example\/oauth\/token$/m);
  assert.match(redacted, /see https:\/\/docs\.example\/a@b and mail admin@internal/);
  assert.match(redacted, /grant_type=password&username=u&password=\*\*\*/);
  assert.match(redacted, /"exp": "1"/);
  assert.match(redacted, /the VM hunter is named like nothing secret; token words alone stay/);
  assert.match(redacted, /^> x-plain: visible$/m);
  assert.match(redacted, /^> X-API-Key: \*\*\*$/m);
  assert.match(redacted, /vms\?max=1&api_key=\*\*\*&x\.secret=\*\*\*$/m);
  assert.match(redacted, /<description>auth: not a header line<\/description>/);
});

Deno.test("redact: long words are read in time in proportion to their length", () => {
  // Each of these took minutes at 1 MiB when the patterns looked for the word inside a name.
  const started = performance.now();
  for (
    const text of [
      ` ${"token".repeat(200_000)}`,
      `> ${"auth".repeat(250_000)}`,
      `?${"secret-".repeat(140_000)}`,
      "<ticket ".repeat(130_000),
      `://${"a".repeat(1_000_000)}`,
      "x://".repeat(250_000),
    ]
  ) {
    assert.equal(redact(text), text);
  }
  const seconds = (performance.now() - started) / 1000;
  assert.ok(seconds < 10, `${seconds.toFixed(1)} s for 5 MiB`);
});

Deno.test("debug: a VM named like the password is logged and reported by its name", async () => {
  const password = "admin";
  await using engine = await startFakeEngine({
    password,
    api: () =>
      xml(
        "<fault><reason>Operation Failed</reason><detail>[Cannot remove VM admin: VM is " +
          "running.]</detail></fault>",
        409,
      ),
  });
  const lines: string[] = [];
  await using connection = loggedConnection(engine.url, password, lines);
  await assert.rejects(
    connection.systemService().vmsService().vmService("1").remove(),
    (error: Error) => {
      assert.match(error.message, /Cannot remove VM admin: VM is running/);
      return true;
    },
  );
  const log = lines.join("\n");
  assert.match(log, /Cannot remove VM admin: VM is running/, "the name stays in the log");
  assert.match(log, /password=\*\*\*/, "the password field is hidden");
  assert.ok(!log.includes("password=admin"));
});

Deno.test("redact: credentials, tickets and transfer paths inside XML bodies", () => {
  const body = [
    "<host><name>h1</name><root_password>r00t!</root_password></host>",
    "<storage_connection><password>nfs-secret</password></storage_connection>",
    "<initialization><windows_license_key>AAAA-BBBB</windows_license_key></initialization>",
    "<action>",
    "  <ticket>",
    "    <expiry>120</expiry>",
    "    <value>vnc-ticket-value</value>",
    "  </ticket>",
    "</action>",
    "<statistic><values><value><datum>5</datum></value></values></statistic>",
    "<image_transfer><transfer_url>https://host1:54322/images/ticket-uuid</transfer_url>",
    "<proxy_url>https://engine/ovirt-imageio/images/ticket-uuid</proxy_url></image_transfer>",
    "<storage_domain><driver_sensitive_options>",
    "<property><name>san_password</name><value>san-secret</value></property>",
    "<property><name>rbd_keyring_conf</name><value>keyring-secret</value></property>",
    "</driver_sensitive_options><driver_options><property><name>volume_driver</name>",
    "<value>cinder.volume.drivers.rbd.RBDDriver</value></property></driver_options>",
    "</storage_domain>",
  ].join("\n");
  const redacted = redact(body);
  for (
    const leak of [
      "r00t!",
      "nfs-secret",
      "AAAA-BBBB",
      "vnc-ticket-value",
      "ticket-uuid",
      "san-secret",
      "keyring-secret",
    ]
  ) {
    assert.ok(!redacted.includes(leak), `${leak} leaked in ${redacted}`);
  }
  assert.match(redacted, /<transfer_url>https:\/\/host1:54322\*\*\*<\/transfer_url>/);
  assert.match(redacted, /<value><datum>5<\/datum><\/value>/, "other values stay");
  assert.match(redacted, /<name>h1<\/name>/);
  assert.match(redacted, /<name>san_password<\/name><value>\*\*\*<\/value>/, "names stay");
  assert.match(
    redacted,
    /<value>cinder\.volume\.drivers\.rbd\.RBDDriver<\/value>/,
    "plain options",
  );
  // In CDATA, over lines the log prefixes with "< ", or cut off with the body.
  const odd = [
    "<host><root_password><![CDATA[cd<at>a]]></root_password><name>h2</name></host>",
    "< <user><password>first",
    "< second</password></user>",
    "<ticket><value><![CDATA[t<i>ck]]></value></ticket>",
    "<storage_connection><password>cut-of",
  ].join("\n");
  const cutTicket = redact("<action><ticket><expiry>120</expiry><value>half-a-tick");
  assert.ok(!cutTicket.includes("half-a-tick"), cutTicket);
  const hidden = redact(odd);
  for (const leak of ["cd<at>a", "first", "second", "t<i>ck", "cut-of"]) {
    assert.ok(!hidden.includes(leak), `${leak} leaked in ${hidden}`);
  }
  assert.match(hidden, /<name>h2<\/name>/, "what follows a secret stays");
});

Deno.test("debug: a long list still streams, its log cut after the first MiB", async () => {
  const encoder = new TextEncoder();
  const item = encoder.encode(`<vm id="1"><name>${"n".repeat(100)}</name></vm>`);
  const { promise: firstItemTaken, resolve: takeFirstItem } = Promise.withResolvers<void>();
  let ended = false;
  await using server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () => {
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode("<vms>"));
        for (let sent = 0; sent < 2 << 20; sent += item.byteLength) controller.enqueue(item);
        // The rest comes once the client has an item, or after 5 s without one.
        await Promise.race([firstItemTaken, new Promise((done) => setTimeout(done, 5000))]);
        ended = true;
        controller.enqueue(encoder.encode("</vms>"));
        controller.close();
      },
    });
    return new Response(body, { headers: { "content-type": "application/xml" } });
  });
  const lines: string[] = [];
  await using connection = new Connection({
    url: `http://127.0.0.1:${server.addr.port}/ovirt-engine/api`,
    token: "t",
    debug: true,
    log: (line) => lines.push(line),
    listWorker: false,
  });
  let items = 0;
  for await (const vm of listStream(connection.systemService().vmsService())) {
    if (items++ === 0) {
      assert.equal(ended, false, "the first item came only once the whole body had");
      assert.equal(vm.id, "1");
      takeFirstItem();
    }
  }
  assert.ok(items > 10_000);
  const log = lines.join("\n");
  assert.match(log, /\[the rest of the body, past 1048576 bytes, is not logged\]/);
  assert.ok(log.length < 1.5 * (1 << 20), `a log of ${log.length} characters`);
});

Deno.test("debug: a call inside a listStream loop runs with connections: 1", async () => {
  const vm = `<vm id="1"><name>vm</name><description>${"d".repeat(400)}</description></vm>`;
  const list = `<vms>${vm.repeat(4000)}</vms>`; // over the 1 MiB the log shows
  await using server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    (request) =>
      new Response(new URL(request.url).pathname.endsWith("/vms") ? list : vm, {
        headers: { "content-type": "application/xml" },
      }),
  );
  await using connection = new Connection({
    url: `http://127.0.0.1:${server.addr.port}/ovirt-engine/api`,
    token: "t",
    debug: true,
    log: () => {},
    connections: 1,
    timeout: 10_000,
    listWorker: false,
  });
  const vms = connection.systemService().vmsService();
  let items = 0;
  for await (const item of listStream(vms)) {
    if (items++ % 1000 === 0) assert.equal((await vms.vmService(item.id!).get()).name, "vm");
  }
  assert.equal(items, 4000);
});

Deno.test("debug: a password the SSO repeats in its error is hidden in the log too", async () => {
  await using engine = await startFakeEngine({
    sso: () =>
      Response.json({
        error: "access_denied",
        error_description: `Cannot authenticate ${USERNAME} with password '${PASSWORD}'`,
      }, { status: 400 }),
  });
  const lines: string[] = [];
  await using connection = loggedConnection(engine.url, PASSWORD, lines);
  await assert.rejects(connection.authenticate());
  const log = lines.join("\n");
  assert.match(log, /with password '\*\*\*'/);
  assert.ok(!log.includes(PASSWORD), log);
});

Deno.test("debug: a page that repeats the password, answered 200 for a login, is hidden", async () => {
  const answers = [
    () =>
      new Response(`<html>sign in: ${PASSWORD}</html>`, {
        headers: { "content-type": "text/html" },
      }),
    () => Response.json({ echo: PASSWORD, token_type: "bearer" }),
  ];
  for (const answer of answers) {
    await using engine = await startFakeEngine({ sso: answer });
    const lines: string[] = [];
    await using connection = loggedConnection(engine.url, PASSWORD, lines);
    await assert.rejects(connection.authenticate());
    const log = lines.join("\n");
    assert.match(log, /^< 200 OK/m, log);
    assert.ok(!log.includes(PASSWORD), log);
  }
});

Deno.test("debug: a password the SSO repeats escaped is hidden too; a success is not garbled", async () => {
  const password = 'pä"ss/w\\ord ovirt&=';
  const json = JSON.stringify(password).slice(1, -1);
  const ascii = json.replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  let fail = true;
  await using engine = await startFakeEngine({
    sso: () =>
      fail
        ? new Response(
          `{"error":"access_denied","error_description":"a ${json} b ${ascii} c ${
            ascii.replaceAll("/", "\\/")
          }","error_uri":"https://sso/e?pw=${encodeURIComponent(password)}"}`,
          { status: 400, headers: { "content-type": "application/json" } },
        )
        : Response.json({ access_token: "tok", scope: "ovirt-app-api", token_type: "bearer" }),
  });
  const lines: string[] = [];
  await using connection = loggedConnection(engine.url, password, lines);
  await assert.rejects(connection.authenticate());
  const log = lines.join("\n");
  assert.match(log, /"a \*\*\* b \*\*\* c \*\*\*","error_uri":"https:\/\/sso\/e\?pw=\*\*\*"/);
  fail = false;
  lines.length = 0;
  await connection.authenticate();
  assert.match(lines.join("\n"), /"scope":"ovirt-app-api"/, "a success is logged as it came");
});

Deno.test("debug: a log writer that throws fails no call, and is told of once", async () => {
  let added = 0;
  await using engine = await startFakeEngine({
    api: (request) => {
      if (request.method === "POST") {
        added++;
        return xml(`<vm id="9"><name>new</name></vm>`, 201);
      }
      return xml(`<vms><vm id="1"><name>web</name></vm></vms>`);
    },
  });
  let writes = 0;
  const told = await linesToStderr(async () => {
    await using connection = new Connection({
      url: engine.url,
      username: USERNAME,
      password: PASSWORD,
      debug: true,
      log: (line) => {
        writes++;
        if (line.includes("201")) throw new Error("disk full");
      },
      retry: false,
    });
    const vms = connection.systemService().vmsService();
    const vm = await vms.add({ name: "new" });
    assert.equal(vm.id, "9", "the add the engine made resolves");
    assert.equal(added, 1);
    const before = writes;
    assert.equal((await vms.list()).length, 1);
    assert.equal(writes, before, "the log stopped after its writer failed");
  });
  assert.deepEqual(told, [
    "ovirt-sdk: the debug log's writer failed, so the log stops: disk full",
  ]);
});

Deno.test("debug: an async log writer whose promise rejects fails no call either", async () => {
  await using engine = await startFakeEngine({
    api: () => xml(`<vms><vm id="1"><name>web</name></vm></vms>`),
  });
  const told = await linesToStderr(async () => {
    await using connection = new Connection({
      url: engine.url,
      username: USERNAME,
      password: PASSWORD,
      debug: true,
      log: async (line) => {
        await Promise.resolve();
        if (line.startsWith("<")) throw new Error("cannot append");
      },
    });
    const vms = connection.systemService().vmsService();
    assert.equal((await vms.list()).length, 1);
    assert.equal((await vms.list()).length, 1);
  });
  assert.deepEqual(told, [
    "ovirt-sdk: the debug log's writer failed, so the log stops: cannot append",
  ]);
});

/** What `run` writes with `console.error`, one entry per call, instead of writing it. */
async function linesToStderr(run: () => Promise<void>): Promise<string[]> {
  const told: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void told.push(args.join(" "));
  try {
    await run();
  } finally {
    console.error = original;
  }
  return told;
}
