import assert from "node:assert/strict";
import { Connection, type ConnectionOptions, type RetryOptions } from "../mod.ts";
import { ConflictError, ConnectionError, OvirtError, TimeoutError } from "../transport/errors.ts";
import { type RawAnswer, type RawRequest, startRawServer } from "./http_raw_server.ts";

const XML = { "content-type": "application/xml" };
const VMS = { status: 200, headers: XML, body: "<vms><vm id='1'><name>a</name></vm></vms>" };
const LOCKED = {
  status: 409,
  headers: XML,
  body: "<fault><reason>Operation Failed</reason><detail>[Cannot run VM. Related operation " +
    "is currently in progress. Please try again later.]</detail></fault>",
};
const PROXY_PAGE = {
  status: 503,
  headers: { "content-type": "text/html" },
  body: "<html><body><h1>Service Unavailable</h1></body></html>",
};

/** Both transports: `fetch`, and `node:http` (what `insecure: true` uses). */
const TRANSPORTS: [string, Partial<ConnectionOptions>][] = [
  ["fetch", {}],
  ["node:http", { insecure: true }],
];

function connect(origin: string, extra: Partial<ConnectionOptions> = {}): Connection {
  return new Connection({
    url: `${origin}/ovirt-engine/api`,
    token: "t",
    retry: { delay: 1, maxDelay: 5 },
    ...extra,
  });
}

function posts(requests: RawRequest[]): RawRequest[] {
  return requests.filter((request) => request.method === "POST");
}

for (const [name, transport] of TRANSPORTS) {
  Deno.test(`no replay (${name}): a POST dropped on a used connection is sent once`, async () => {
    await using server = startRawServer((request) => request.method === "POST" ? "drop" : VMS);
    await using connection = connect(server.origin, transport);
    const vms = connection.systemService().vmsService();
    await vms.list();
    await assert.rejects(vms.add({ name: "once" }), (error) => {
      assert.ok(error instanceof ConnectionError, String(error));
      assert.equal(error.maybeApplied, true);
      assert.match(error.message, /the engine may have carried it out: look for its result/);
      return true;
    });
    assert.equal(posts(server.requests).length, 1, "the add reached the engine once");
  });

  Deno.test(`no replay (${name}): a success cut off, an update lost: maybe applied`, async () => {
    const cut = "HTTP/1.1 201 Created\r\ncontent-type: application/xml\r\ncontent-length: 100" +
      "\r\n\r\n<vm id='1'>";
    await using server = startRawServer((request) =>
      request.method === "POST"
        ? { raw: new TextEncoder().encode(cut) }
        : request.method === "PUT"
        ? "drop"
        : VMS
    );
    await using connection = connect(server.origin, transport);
    const vms = connection.systemService().vmsService();
    await vms.list();
    const refusal = (told: RegExp) => (error: unknown) => {
      assert.ok(error instanceof ConnectionError, String(error));
      assert.equal(error.maybeApplied, true);
      assert.match(error.message, told);
      return true;
    };
    await assert.rejects(
      vms.add({ name: "x" }),
      refusal(/answered HTTP 201 before its answer was cut off, so it may have carried/),
    );
    await assert.rejects(
      vms.vmService("1").update({ name: "y" }),
      refusal(/the engine may have carried it out/),
    );
  });

  Deno.test(`no replay (${name}): a POST that never left may not have been applied`, async () => {
    const server = startRawServer(() => VMS);
    const origin = server.origin;
    await server[Symbol.asyncDispose](); // nothing listens there any more
    await using connection = connect(origin, transport);
    await assert.rejects(connection.systemService().vmsService().add({ name: "x" }), (error) => {
      assert.ok(error instanceof ConnectionError, String(error));
      assert.equal(error.maybeApplied, false);
      assert.doesNotMatch(error.message, /may have carried it out/);
      return true;
    });
  });

  Deno.test(`retry (${name}): a GET dropped before its answer is made again`, async () => {
    let drops = 1;
    await using server = startRawServer((request) =>
      request.method === "GET" && request.earlierOnConnection > 0 && drops-- > 0 ? "drop" : VMS
    );
    await using connection = connect(server.origin, transport);
    const vms = connection.systemService().vmsService();
    await vms.list();
    assert.equal((await vms.list()).length, 1);
    assert.equal(server.requests.length, 3);
  });
}

Deno.test("retry: 502/503/504 and proxy pages are repeated for GET, with Retry-After", async () => {
  const answers: RawAnswer[] = [
    { status: 502, headers: { "content-type": "text/html" }, body: "<html>Bad Gateway</html>" },
    { ...PROXY_PAGE, headers: { ...PROXY_PAGE.headers, "retry-after": "0" } },
    { status: 504, headers: { "content-type": "text/html" }, body: "<html>Timeout</html>" },
    VMS,
  ];
  await using server = startRawServer(() => answers.shift()!);
  const lines: string[] = [];
  await using connection = connect(server.origin, {
    debug: true,
    log: (line) => lines.push(line),
  });
  assert.equal((await connection.systemService().vmsService().list()).length, 1);
  assert.equal(server.requests.length, 4);
  const notes = lines.filter((line) => /attempt \d failed/.test(line));
  assert.equal(notes.length, 3, "each repetition is in the debug log");
  assert.match(notes[0], /attempt 1 failed \(HTTP 502 Bad Gateway\); trying again in \d+ ms/);
});

Deno.test("retry: the final error says how many attempts were made and why", async () => {
  await using server = startRawServer(() => PROXY_PAGE);
  await using connection = connect(server.origin, { retry: { attempts: 3, delay: 1 } });
  await assert.rejects(connection.systemService().vmsService().list(), (error) => {
    assert.ok(error instanceof OvirtError);
    assert.equal(error.code, 503);
    assert.match(error.message, /^Unavailable \(HTTP 503 .*it may be starting/);
    const reason = "HTTP 503 Service Unavailable";
    assert.ok(error.message.endsWith("(3 attempts, each failing the same way)"), error.message);
    assert.deepEqual(error.attempts, [reason, reason, reason]);
    return true;
  });
  assert.equal(server.requests.length, 3);
});

Deno.test("retry: the final error says each run of one reason once, with its count", async () => {
  const statuses = [503, 502, 502, 503];
  await using server = startRawServer((request) => {
    const status = statuses[server.requests.indexOf(request)];
    return { ...PROXY_PAGE, status };
  });
  await using connection = connect(server.origin, { retry: { attempts: 4, delay: 1 } });
  await assert.rejects(connection.systemService().vmsService().list(), (error) => {
    assert.ok(error instanceof OvirtError);
    const [unavailable, badGateway] = ["HTTP 503 Service Unavailable", "HTTP 502 Bad Gateway"];
    assert.ok(
      error.message.endsWith(`(4 attempts: ${unavailable}; 2 × ${badGateway}; ${unavailable})`),
      error.message,
    );
    assert.deepEqual(error.attempts, [unavailable, badGateway, badGateway, unavailable]);
    return true;
  });
  assert.equal(server.requests.length, 4);
});

Deno.test("retry: an add is not repeated after a 502 or 504, but is after a 503", async () => {
  for (const status of [502, 504]) {
    await using server = startRawServer(() => ({ status, body: "" }));
    await using connection = connect(server.origin);
    await assert.rejects(connection.systemService().vmsService().add({ name: "x" }));
    assert.equal(server.requests.length, 1, `${status}: the proxy may have passed it on`);
  }
  const answers: RawAnswer[] = [PROXY_PAGE, { status: 201, headers: XML, body: "<vm id='9'/>" }];
  await using server = startRawServer(() => answers.shift()!);
  await using connection = connect(server.origin);
  assert.equal((await connection.systemService().vmsService().add({ name: "x" })).id, "9");
  assert.equal(server.requests.length, 2, "503: the server did not take the request");
});

Deno.test("retry: an add whose connection is refused is made again once the engine is up", async () => {
  // A port with nothing listening, then the same port serving.
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  await using connection = new Connection({
    url: `http://127.0.0.1:${port}/ovirt-engine/api`,
    token: "t",
    retry: { attempts: 30, delay: 20, maxDelay: 20 },
  });
  const added = connection.systemService().vmsService().add({ name: "late" });
  await new Promise((resolve) => setTimeout(resolve, 60));
  const server = Deno.serve(
    { hostname: "127.0.0.1", port, onListen() {} },
    () => new Response("<vm id='5'/>", { status: 201, headers: XML }),
  );
  try {
    assert.equal((await added).id, "5");
  } finally {
    await server.shutdown();
  }
});

Deno.test("retry: delays of 0 repeat at once, they do not fall back to the defaults", async () => {
  await using server = startRawServer(() => PROXY_PAGE);
  await using connection = connect(server.origin, {
    retry: { attempts: 4, delay: 0, maxDelay: 0 },
  });
  const start = performance.now();
  await assert.rejects(connection.systemService().vmsService().list());
  assert.equal(server.requests.length, 4);
  // The defaults (250 ms, doubling) would wait 375 ms or more for the three repetitions.
  assert.ok(performance.now() - start < 200, `${performance.now() - start} ms`);
});

Deno.test("retry: maxDelay caps every wait, even one below delay", async () => {
  await using server = startRawServer(() => PROXY_PAGE);
  for (
    const [retry, most] of [[{ maxDelay: 0 }, 200], [{ delay: 1000, maxDelay: 50 }, 600]] as const
  ) {
    await using connection = connect(server.origin, { retry: { attempts: 4, ...retry } });
    const start = performance.now();
    await assert.rejects(connection.systemService().vmsService().list());
    const took = performance.now() - start;
    // Three waits of at most maxDelay; half the delay (375 ms or 1.5 s) would be the floor else.
    assert.ok(took < most, `${JSON.stringify(retry)}: ${took} ms`);
  }
});

Deno.test("retry: false makes a call once", async () => {
  await using server = startRawServer(() => PROXY_PAGE);
  await using connection = connect(server.origin);
  await assert.rejects(connection.systemService().vmsService().list({ retry: false }));
  assert.equal(server.requests.length, 1);
});

Deno.test("retry: a repeated DELETE that finds the object gone is done", async () => {
  const answers: RawAnswer[] = ["drop", { status: 404, headers: XML, body: "<fault/>" }];
  await using server = startRawServer((request) =>
    request.method === "GET" ? VMS : answers.shift()!
  );
  await using connection = connect(server.origin);
  const vms = connection.systemService().vmsService();
  await vms.list();
  assert.equal(await vms.vmService("1").remove(), undefined);
  assert.deepEqual(server.requests.map((request) => request.method), ["GET", "DELETE", "DELETE"]);
});

Deno.test("retry: waits stop at the call's timeout", async () => {
  await using server = startRawServer(() => ({ ...PROXY_PAGE, headers: { "retry-after": "2" } }));
  await using connection = connect(server.origin, { timeout: 500 });
  // Had it waited the 2 s, the 500 ms deadline would have ended the call with a TimeoutError.
  await assert.rejects(connection.systemService().vmsService().list(), (error) => {
    assert.ok(error instanceof OvirtError && !(error instanceof TimeoutError));
    assert.equal(error.code, 503, "a wait beyond the deadline ends with the last answer");
    return true;
  });
  assert.equal(server.requests.length, 1);
});

Deno.test("locks: a 409 is a ConflictError, made again only with whileLocked", async () => {
  {
    await using server = startRawServer(() => LOCKED);
    await using connection = connect(server.origin);
    await assert.rejects(
      connection.systemService().vmsService().vmService("1").start(),
      (error) => {
        assert.ok(error instanceof ConflictError);
        assert.equal(error.locked, true);
        assert.match(error.message, /Related operation is currently in progress/);
        return true;
      },
    );
    assert.equal(server.requests.length, 1, "off by default");
  }
  const answers: RawAnswer[] = [LOCKED, LOCKED, { status: 200, headers: XML, body: "<action/>" }];
  await using server = startRawServer(() => answers.shift()!);
  await using connection = connect(server.origin, {
    retry: { whileLocked: { attempts: 5, delay: 1, maxDelay: 5 } },
  });
  await connection.systemService().vmsService().vmService("1").start();
  assert.equal(server.requests.length, 3, "an action is made again while the VM is locked");
});

Deno.test("locks: waiting is bounded, and other conflicts are not waited for", async () => {
  await using server = startRawServer((request) =>
    request.path.endsWith("/stop")
      ? {
        status: 409,
        headers: XML,
        body: "<fault><reason>Operation Failed</reason><detail>[Cannot stop VM. VM is not " +
          "running.]</detail></fault>",
      }
      : LOCKED
  );
  await using connection = connect(server.origin, {
    retry: { whileLocked: { attempts: 3, delay: 1, maxDelay: 2 } },
  });
  const vm = connection.systemService().vmsService().vmService("1");
  await assert.rejects(vm.start(), (error) => {
    assert.ok(error instanceof ConflictError);
    assert.match(error.message, /3 attempts/);
    return true;
  });
  assert.equal(server.requests.length, 3);
  await assert.rejects(vm.stop(), ConflictError);
  assert.equal(server.requests.length, 4, "a VM that is not running is no lock");
});

Deno.test("correlation: every call carries its id, and its errors name it", async () => {
  await using server = startRawServer((request) => request.path.endsWith("/start") ? LOCKED : VMS);
  let next = 0;
  await using connection = connect(server.origin, { correlationId: () => `job-${++next}` });
  const vms = connection.systemService().vmsService();
  await vms.list();
  await vms.list({ correlationId: "mine" });
  await assert.rejects(vms.vmService("1").start(), (error) => {
    assert.ok(error instanceof ConflictError);
    assert.equal(error.correlationId, "job-2");
    assert.match(error.message, /\[correlation id job-2\]/);
    return true;
  });
  assert.deepEqual(
    server.requests.map((request) => request.headers.get("correlation-id")),
    ["job-1", "mine", "job-2"],
  );
});

Deno.test("options: bad call options are refused with an OvirtError naming them", async () => {
  await using server = startRawServer(() => VMS);
  await using connection = connect(server.origin);
  const vms = connection.systemService().vmsService();
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ headers: { "X-Name": "café ☕" } }, /header "X-Name" in the headers option/],
    [{ headers: { "X-Name": "a\r\nb" } }, /header "X-Name"/],
    [{ headers: { "bad name": "x" } }, /invalid header name/],
    [{ query: { max: 5 } }, /query parameter "max"/],
    [{ query: { tag: "cut \ud83d" } }, /query parameter "tag" .*lone surrogate/],
    [{ query: { ["\udc00"]: "x" } }, /query parameter "\ufffd" .*lone surrogate/],
    [{ retry: { attempts: -1 } }, /retry\.attempts/],
    [{ retry: { delays: 5 } }, /"delays" is not a retry option .*"delay"/],
    [{ correlationId: 5 }, /correlationId/],
    [{ signal: "stop" }, /signal/],
  ];
  for (const [options, message] of bad) {
    await assert.rejects(vms.list(options), (error) => {
      assert.ok(error instanceof OvirtError, `${error}`);
      assert.match(error.message, message);
      return true;
    });
  }
  assert.equal(server.requests.length, 0, "nothing was sent");
});

Deno.test("options: bad connection options are refused with an OvirtError naming them", () => {
  const url = "https://engine/ovirt-engine/api";
  const bad: [Partial<ConnectionOptions>, RegExp][] = [
    [{ headers: { "X-Name": "naïve ☕" } }, /header "X-Name" in the headers option/],
    [{ query: { tag: "\ud800" } }, /query parameter "tag" .*lone surrogate/],
    [{ caCerts: "pem" as unknown as string[] }, /caCerts/],
    [{ insecure: "yes" as unknown as boolean }, /insecure/],
    [{ listWorker: "no" as unknown as boolean }, /listWorker option must be true or false/],
    [{ proxy: "not a url" }, /proxy/],
    [{ retry: { delay: -5 } }, /retry\.delay/],
    [{ retry: { whileLocked: null } as unknown as RetryOptions }, /retry\.whileLocked option/],
    [{ retry: { whileLocked: "no" } as unknown as RetryOptions }, /retry\.whileLocked option/],
    [{ retry: { whileLocked: 0 } as unknown as RetryOptions }, /retry\.whileLocked option/],
    [{ url: "ftp://engine/api" }, /http or https/],
    [{ url: undefined as unknown as string }, /url option is required/],
    // A misspelled name is refused, not left out with its default used instead.
    [{ timeOut: 300 } as Partial<ConnectionOptions>, /"timeOut" .* \(did you mean "timeout"\?\)/],
    [{ conections: 1 } as Partial<ConnectionOptions>, /"conections" .*"connections"/],
    [{ retries: false } as Partial<ConnectionOptions>, /"retries" is not a connection option/],
    [{ retry: { atempts: 3 } as RetryOptions }, /"atempts" is not a retry option .*"attempts"/],
    [
      { retry: { whileLocked: { max_delay: 9 } } as unknown as RetryOptions },
      /"max_delay" is not a retry\.whileLocked option .*"maxDelay"/,
    ],
    [{ retry: { attempts: 0 } }, /retry\.attempts option must be a whole number from 1 up, not 0/],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => new Connection({ url, token: "t", ...options }), (error: Error) => {
      assert.ok(error instanceof OvirtError, `${error}`);
      assert.match(error.message, message);
      return true;
    });
  }
  // Without url nor credentials, the url is what is said missing first.
  assert.throws(
    () => new Connection({} as ConnectionOptions),
    /^OvirtError: The url option is required$/,
  );
});

Deno.test("options: a refused URL is shown without the credentials or ticket it holds", async () => {
  const url = "https://engine/ovirt-engine/api";
  const bad: Partial<ConnectionOptions>[] = [
    { url: "https://admin:S3cret@[engine/ovirt-engine/api" },
    { url: "ftp://admin:S3cret@engine/api" },
    { proxy: "http://puser:S3cret@[proxy:3128" },
    { proxy: "socks9://puser:S3cret@proxy:3128" },
    { ssoUrl: "https://admin:S3cret@ engine/sso" },
  ];
  const refusal = (error: unknown) => {
    assert.ok(error instanceof OvirtError, `${error}`);
    const told = `${error.message} ${String(error.cause ?? "")}`;
    assert.doesNotMatch(told, /S3cret/);
    assert.match(told, /\*\*\*@/, "where the credentials were is still shown");
    return true;
  };
  for (const options of bad) {
    assert.throws(() => new Connection({ url, token: "t", ...options }), refusal);
  }
  // A transfer URL carries its ticket in its path: none of the path is shown.
  await using connection = new Connection({ url, token: "t" });
  await assert.rejects(
    connection.transferRequest({ method: "GET", url: "https://[host:54322/images/S3cret" }),
    (error: unknown) => {
      assert.ok(error instanceof OvirtError, `${error}`);
      assert.doesNotMatch(`${error.message} ${String(error.cause ?? "")}`, /S3cret/);
      return true;
    },
  );
});

Deno.test("no replay: a port fetch refuses to use is a request that never left", async () => {
  await using connection = new Connection({
    url: "http://127.0.0.1:9/ovirt-engine/api",
    token: "t",
    retry: false,
  });
  await assert.rejects(connection.systemService().vmsService().add({ name: "x" }), (error) => {
    assert.ok(error instanceof ConnectionError, String(error));
    assert.equal(error.maybeApplied, false);
    return true;
  });
});

Deno.test("a call's own signal that times out between attempts says what the attempts met", async () => {
  const unavailable = { ...PROXY_PAGE, headers: { ...PROXY_PAGE.headers, "retry-after": "1" } };
  await using server = startRawServer(() => unavailable);
  await using connection = connect(server.origin, { retry: { attempts: 100 } });
  await assert.rejects(
    connection.systemService().vmsService().list({ signal: AbortSignal.timeout(1_500) }),
    (error) => {
      assert.ok(error instanceof TimeoutError, String(error));
      assert.match(
        error.message,
        /^The request did not finish within its signal's time limit \(2 attempts: 2 × HTTP 503 Service Unavailable\)/,
      );
      assert.deepEqual(error.attempts, [
        "HTTP 503 Service Unavailable",
        "HTTP 503 Service Unavailable",
      ]);
      assert.equal((error.cause as Error).name, "TimeoutError", "the signal's reason");
      return true;
    },
  );
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("stop")), 500);
  await assert.rejects(
    connection.systemService().vmsService().list({ signal: controller.signal }),
    (error) => {
      assert.ok(error instanceof OvirtError && !(error instanceof TimeoutError), String(error));
      assert.match(
        error.message,
        /^The request was aborted \(1 attempt: HTTP 503 Service Unavailable\)$/,
      );
      return true;
    },
  );
});
