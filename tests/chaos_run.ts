/**
 * A chaos run: many concurrent mixed calls (lists, gets, adds, actions, removes) against
 * the simulator while it injects failures (5xx, proxy pages, dropped and stalled answers,
 * cut bodies, locks) and revokes every token once. Shared by `tests/chaos.test.ts` and
 * `bench/chaos_bench.ts`.
 */

import { Connection, type ConnectionOptions } from "../mod.ts";
import { OvirtError } from "../transport/errors.ts";
import { startSimulator } from "../testing/mod.ts";
import type { FaultOptions } from "../testing/faults.ts";

/** What a chaos run does. */
export interface ChaosOptions {
  /** Calls in all, all started at once. */
  readonly calls: number;
  /** Seed of the faults and of the mix of calls. */
  readonly seed: number;
  /** Use the `node:https` transport (`insecure: true`) instead of `fetch`. */
  readonly insecure?: boolean;
  /** The faults; about 20 % of requests are hit by default. */
  readonly faults?: FaultOptions;
  /** Each call's time limit in ms. */
  readonly timeout?: number;
}

/** What came of a chaos run. */
export interface ChaosResult {
  /** Calls that resolved. */
  readonly succeeded: number;
  /** Calls that rejected with an `OvirtError`, by class name. */
  readonly failed: Record<string, number>;
  /** Calls that rejected with anything else (descriptions). */
  readonly rawExceptions: string[];
  /** Calls still pending when the run gave up on them. */
  readonly hung: number;
  /** Adds the simulator received more than once. */
  readonly duplicatedAdds: number;
  /** Adds that resolved, and adds in all. */
  readonly adds: { readonly made: number; readonly tried: number };
  /** API requests the simulator received. */
  readonly requests: number;
  /** Wall time of the run in ms. */
  readonly millis: number;
}

/** About one request in five hit by a fault, of every kind the simulator has. */
export const DEFAULT_CHAOS_FAULTS: FaultOptions = {
  failureRate: 0.05,
  proxyError: 0.04,
  retryAfter: 0,
  dropAnswer: 0.03,
  stallAnswer: 0.01,
  dropConnection: 0.03,
  stall: 0.01,
  locked: 0.03,
};

/** Runs `options.calls` concurrent calls under faults and reports what became of them. */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  await using simulator = await startSimulator({
    tls: true,
    delay: 0,
    seed: options.seed,
    vms: 40,
  });
  const connectionOptions: ConnectionOptions = {
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
    timeout: options.timeout ?? 4_000,
    connections: 16,
    retry: { attempts: 5, delay: 20, maxDelay: 200, whileLocked: { delay: 20, maxDelay: 100 } },
    ...(options.insecure ? { insecure: true } : { caCerts: [simulator.caCert!] }),
  };
  await using connection = new Connection(connectionOptions);
  const system = connection.systemService();
  const vms = await system.vmsService().list();
  simulator.setFaults(options.faults ?? DEFAULT_CHAOS_FAULTS);
  const requestsBefore = simulator.requestCount;

  let random = options.seed >>> 0 || 1;
  const next = () => (random = (random * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const adds = { made: 0, tried: 0 };
  const calls: (() => Promise<unknown>)[] = [];
  for (let i = 0; i < options.calls; i++) {
    const vm = vms[Math.floor(next() * vms.length)];
    const vmService = system.vmsService().vmService(vm.id!);
    const kind = Math.floor(next() * 6);
    calls.push(
      [
        () => system.vmsService().list({ search: "status=up", max: 10 }),
        () => vmService.get(),
        async () => {
          adds.tried++;
          const tag = await system.tagsService().add({ name: `chaos-${options.seed}-${i}` });
          adds.made++;
          return tag;
        },
        () => vmService.nicsService().list(),
        () => i % 2 === 0 ? vmService.stop() : vmService.start(),
        async () => {
          const tag = await system.tagsService().add({ name: `chaos-gone-${options.seed}-${i}` });
          await system.tagsService().tagService(tag.id!).remove();
        },
      ][kind],
    );
  }

  const started = performance.now();
  const outcomes: ("ok" | "pending" | Error | unknown)[] = calls.map(() => "pending");
  const running = calls.map((call, index) =>
    call().then(() => outcomes[index] = "ok", (error) => outcomes[index] = error)
  );
  setTimeout(() => simulator.revokeTokens(), 50);
  // Every call has a time limit: a call still pending long after it is a hang.
  const limit = (connectionOptions.timeout ?? 0) * 3 + 5_000;
  let guard: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.all(running),
    new Promise((resolve) => guard = setTimeout(resolve, limit)),
  ]);
  clearTimeout(guard);
  const millis = performance.now() - started;
  simulator.setFaults(Object.fromEntries(
    Object.keys(options.faults ?? DEFAULT_CHAOS_FAULTS).map((name) => [name, undefined]),
  ));

  const failed: Record<string, number> = {};
  const rawExceptions: string[] = [];
  let succeeded = 0;
  let hung = 0;
  for (const outcome of outcomes) {
    if (outcome === "ok") succeeded++;
    else if (outcome === "pending") hung++;
    else if (outcome instanceof OvirtError) {
      failed[outcome.constructor.name] = (failed[outcome.constructor.name] ?? 0) + 1;
    } else rawExceptions.push(String(outcome));
  }
  return {
    succeeded,
    failed,
    rawExceptions,
    hung,
    duplicatedAdds: simulator.duplicatedAdds,
    adds,
    requests: simulator.requestCount - requestsBefore,
    millis,
  };
}
