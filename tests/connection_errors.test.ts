import assert from "node:assert/strict";
import { Connection, listStream } from "../mod.ts";
import { AuthError, ConflictError, NotFoundError, OvirtError } from "../transport/errors.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";

/** A connection to a fake engine answering every API request with `answer()`. */
async function answering(answer: () => Response) {
  const engine = await startFakeEngine({ api: answer });
  const connection = new Connection({ url: engine.url, username: USERNAME, password: PASSWORD });
  return {
    connection,
    vm: connection.systemService().vmsService().vmService("7"),
    async [Symbol.asyncDispose]() {
      await connection.close();
      await engine.close();
    },
  };
}

const RUNNING = "<fault><reason>Operation Failed</reason>" +
  "<detail>[Cannot run VM. VM is running.]</detail></fault>";

Deno.test("errors: a <fault> is an OvirtError carrying it; 409 is a ConflictError", async () => {
  await using setup = await answering(() => xml(RUNNING, 409));
  await assert.rejects(setup.vm.start(), (error) => {
    assert.ok(error instanceof OvirtError);
    assert.equal(error.constructor, ConflictError);
    assert.equal((error as ConflictError).locked, false, "a running VM is no lock");
    assert.equal(error.code, 409);
    assert.deepEqual(error.fault, {
      reason: "Operation Failed",
      detail: "[Cannot run VM. VM is running.]",
    });
    assert.match(error.message, /Operation Failed: \[Cannot run VM\. VM is running\.\]/);
    assert.match(error.message, /HTTP 409 Conflict from POST .*\/vms\/7\/start/);
    return true;
  });
});

Deno.test("errors: an <action> holding a fault fails whatever the status", async () => {
  const failed = `<action>${RUNNING}<status>failed</status></action>`;
  for (const status of [200, 202, 409]) {
    await using setup = await answering(() => xml(failed, status));
    await assert.rejects(setup.vm.start(), (error) => {
      assert.ok(error instanceof OvirtError);
      assert.equal(error.code, status);
      assert.equal(error.fault?.detail, "[Cannot run VM. VM is running.]");
      return true;
    });
  }
});

Deno.test("errors: 404 is a NotFoundError, with or without a fault", async () => {
  await using empty = await answering(() => new Response(null, { status: 404 }));
  await assert.rejects(empty.vm.get(), (error) => {
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.code, 404);
    assert.equal(error.fault, undefined);
    return true;
  });
  const fault = "<fault><reason>Operation Failed</reason>" +
    "<detail>Entity not found: 7</detail></fault>";
  await using faulty = await answering(() => xml(fault, 404));
  await assert.rejects(faulty.vm.get(), (error) => {
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.fault?.detail, "Entity not found: 7");
    return true;
  });
});

Deno.test("errors: 403 with a fault is an AuthError carrying it", async () => {
  const denied = "<fault><reason>Operation Failed</reason>" +
    "<detail>[User is not authorized to perform this action.]</detail></fault>";
  await using setup = await answering(() => xml(denied, 403));
  await assert.rejects(setup.vm.remove(), (error) => {
    assert.ok(error instanceof AuthError);
    assert.equal(error.code, 403);
    assert.match(error.fault?.detail ?? "", /not authorized/);
    return true;
  });
});

Deno.test("errors: an HTML 404 says the answer is not XML and hints at the API path", async () => {
  await using setup = await answering(() =>
    new Response("<html><body>Not Found</body></html>", {
      status: 404,
      headers: { "Content-Type": "text/html" },
    })
  );
  await assert.rejects(setup.vm.get(), (error) => {
    assert.ok(error instanceof NotFoundError);
    assert.match(error.message, /text\/html/);
    assert.match(error.message, /\/ovirt-engine\/api/);
    return true;
  });
});

Deno.test("errors: a wrong connection URL gets the hint too", async () => {
  await using engine = await startFakeEngine();
  await using connection = new Connection({
    url: `${engine.origin}/ovirt-engine/wrong`,
    username: USERNAME,
    password: PASSWORD,
  });
  await assert.rejects(connection.systemService().get(), /usually https:\/\/.*\/ovirt-engine\/api/);
});

Deno.test("errors: a 200 HTML page in place of an object is an OvirtError", async () => {
  await using setup = await answering(() =>
    new Response("<html>proxy login</html>", { headers: { "Content-Type": "text/html" } })
  );
  await assert.rejects(setup.vm.get(), (error) => {
    assert.ok(error instanceof OvirtError);
    assert.equal(error.code, 200);
    assert.match(error.message, /text\/html body, not the XML of the oVirt API/);
    return true;
  });
});

Deno.test("errors: a fault is only read from an XML content type", async () => {
  await using setup = await answering(() =>
    new Response(RUNNING, { status: 409, headers: { "Content-Type": "text/plain" } })
  );
  await assert.rejects(setup.vm.start(), (error) => {
    assert.ok(error instanceof OvirtError);
    assert.equal(error.fault, undefined);
    assert.equal(error.code, 409);
    return true;
  });
  await using xmlWithCharset = await answering(() =>
    new Response(RUNNING, { status: 409, headers: { "Content-Type": "text/xml; charset=utf-8" } })
  );
  await assert.rejects(xmlWithCharset.vm.start(), (error) => {
    assert.ok(error instanceof OvirtError);
    assert.equal(error.fault?.reason, "Operation Failed");
    return true;
  });
});

Deno.test("errors: get never resolves to undefined", async () => {
  await using empty = await answering(() => new Response(null, { status: 200 }));
  await assert.rejects(empty.vm.get(), /has no body/);
  await using wrong = await answering(() => xml("<action><status>complete</status></action>"));
  await assert.rejects(wrong.vm.get(), /unexpected <action> document/);
  await using list = await answering(() => xml("<vms/>"));
  await assert.rejects(list.vm.get(), /unexpected <vms> document/);
  await using broken = await answering(() => xml("<vm><name>unclosed"));
  await assert.rejects(broken.vm.get(), OvirtError);
});

Deno.test("errors: a document of another type than the method's is refused", async () => {
  const HOST = "<host id='1'><name>h</name><address>a</address></host>";
  await using host = await answering(() => xml(HOST));
  await assert.rejects(host.vm.get(), /GET .*\/vms\/7 holds an unexpected <host> document/);
  await assert.rejects(host.vm.update({ name: "x" }), /unexpected <host> document/);
  const vms = host.connection.systemService().vmsService();
  await assert.rejects(vms.add({ name: "x" }), /unexpected <host> document/);
  await using hosts = await answering(() => xml(`<hosts>${HOST}</hosts>`));
  const listed = hosts.connection.systemService().vmsService();
  await assert.rejects(listed.list(), /GET .*\/vms holds an unexpected <hosts> document/);
  await assert.rejects(listStream(listed)[Symbol.asyncIterator]().next(), (error) => {
    assert.ok(error instanceof OvirtError);
    assert.match(error.message, /GET .*\/vms holds an unexpected <hosts> document/);
    return true;
  });
  // A type derived from the one asked for is that type too: an instance type is a template.
  await using derived = await answering(() =>
    xml("<instance_type id='i'><name>s</name></instance_type>")
  );
  const template = derived.connection.systemService().templatesService().templateService("i");
  assert.deepEqual(await template.get(), { id: "i", name: "s" });
});

Deno.test("errors: listStream() reads a <fault> sent with 200 as list() does", async () => {
  const FAULT = "<fault><reason>Bad</reason><detail>d</detail></fault>";
  for (const body of [FAULT, `<action><status>failed</status>${FAULT}</action>`]) {
    await using setup = await answering(() => xml(body));
    const vms = setup.connection.systemService().vmsService();
    const items = () => listStream(vms, { correlationId: "c-1" })[Symbol.asyncIterator]();
    const stream = items();
    for (const call of [() => vms.list({ correlationId: "c-1" }), () => stream.next()]) {
      await assert.rejects(call(), (error) => {
        assert.ok(error instanceof OvirtError);
        assert.deepEqual(error.fault, { reason: "Bad", detail: "d" });
        assert.equal(error.code, 200);
        assert.match(error.message, /GET .*\/vms.*\[correlation id c-1\]$/);
        assert.equal(error.correlationId, "c-1");
        return true;
      });
    }
    assert.deepEqual(await stream.next(), { done: true, value: undefined }, "the stream ended");
  }
});
