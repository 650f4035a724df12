/**
 * The base class of every generated service, and the request descriptions the
 * generated methods hand to the runtime.
 *
 * @module
 */

import { OvirtError } from "./errors.ts";
import { typeName } from "./options.ts";
import type { RetryOptions } from "./retry.ts";
import type { ValueKind } from "./xml/metadata.ts";

/** One parameter of a service method, as the generator describes it. */
export interface ParamSpec {
  /** Name in TypeScript (the `options` key, camelCase), e.g. `detachOnly`. */
  readonly name: string;
  /** Name on the wire: query parameter or `<action>` child element, e.g. `detach_only`. */
  readonly wire: string;
  /** Value kind (of each item, for a list). */
  readonly kind: ValueKind;
  /** Struct or enum name, for kinds `struct` and `enum`. */
  readonly type?: string;
  /** Whether the parameter is a list. */
  readonly list?: boolean;
}

/** What one generated method sends and what it expects back. */
export interface MethodSpec {
  /** The HTTP mapping to use. */
  readonly kind: "get" | "list" | "add" | "update" | "remove" | "action";
  /** URL segment of an action (`start`, `export`, `commitsnapshot`). */
  readonly segment?: string;
  /**
   * The `@In` parameters other than the main one: query parameters for the standard
   * methods, `<action>` children for actions.
   */
  readonly params: readonly ParamSpec[];
  /** Main parameter of `add` and `update`, sent as the body. */
  readonly main?: ParamSpec;
  /** What the method resolves to: the object, the list, or the action's first `@Out`. */
  readonly output?: ParamSpec;
}

/** One method of a service in the service tree table (`services/metadata.ts`). */
export interface MethodMeta extends MethodSpec {
  /** TypeScript method name, e.g. `addFromScratch`. */
  readonly name: string;
  /** For a signature: the method it is a signature of. */
  readonly signatureOf?: string;
}

/** One locator of a service in the service tree table. */
export interface LocatorMeta {
  /** TypeScript method name, e.g. `vmService`. */
  readonly name: string;
  /** Target service class name, e.g. `VmService`. */
  readonly service: string;
  /** URL segment of a parameterless locator. */
  readonly segment?: string;
  /** Parameter name of a parameterised locator (`id`, `idOrName`). */
  readonly parameter?: string;
}

/** One service in the service tree table: its methods and locators, inherited ones included. */
export interface ServiceMeta {
  /** Class name, e.g. `VmsService`. */
  readonly name: string;
  /** Methods, signatures included. */
  readonly methods: readonly MethodMeta[];
  /** Locators. */
  readonly locators: readonly LocatorMeta[];
}

/** Options every generated method accepts, besides the model's own parameters. */
export interface CallOptions {
  /** Extra HTTP headers for this call. */
  headers?: Record<string, string>;
  /** Extra query parameters for this call. */
  query?: Record<string, string>;
  /** Aborts the call. */
  signal?: AbortSignal;
  /**
   * When to make the call again after a failure, over the connection's `retry` option;
   * `false` makes it once.
   */
  retry?: RetryOptions | false;
  /**
   * Sent as the `Correlation-Id` header: the engine marks the jobs and events of this call
   * with it. Errors of the call name it.
   */
  correlationId?: string;
}

/** What executes the requests of services: implemented by the connection. */
export interface ServiceRuntime {
  /** Sends the request `spec` describes to `path` and resolves to its typed result. */
  invoke(
    path: string,
    spec: MethodSpec,
    options: object | undefined,
    main: unknown,
  ): Promise<unknown>;
  /**
   * Sends the `list` request `spec` describes to `path` and yields the items as they
   * arrive, holding at most one in memory.
   */
  stream(path: string, spec: MethodSpec, options: object | undefined): AsyncIterable<unknown>;
}

let runtimeOfService: (service: Service) => ServiceRuntime;

/** The runtime of a service, for SDK helpers (not part of the public API). */
export function serviceRuntime(service: Service): ServiceRuntime {
  return runtimeOfService(service);
}

/** Base class of every generated service: a path under the API root and a runtime. */
export abstract class Service {
  readonly #runtime: ServiceRuntime;
  /** Path of this service relative to the API root, e.g. `vms/123/nics` (empty for the root). */
  readonly path: string;

  static {
    runtimeOfService = (service) => service.#runtime;
  }

  /** Creates a service at `path` that sends its requests through `runtime`. */
  constructor(runtime: ServiceRuntime, path: string) {
    this.#runtime = runtime;
    this.path = path;
  }

  /**
   * The service one URL segment below this one: a parameterless locator's segment
   * selects it; anything else is the argument of the parameterised locator.
   */
  abstract locate(segment: string): Service;

  /** The runtime this service sends its requests through. */
  protected get runtime(): ServiceRuntime {
    return this.#runtime;
  }

  /**
   * The path of a child service: this path plus one percent-encoded segment. An empty,
   * `.` or `..` segment would address another service, so it is refused.
   */
  protected childPath(segment: string): string {
    if (typeof segment !== "string") {
      throw new OvirtError(
        `An identifier below "/${this.path}" must be a string, not ${typeName(segment)}`,
      );
    }
    if (segment === "" || segment === "." || segment === "..") {
      throw new OvirtError(`Invalid identifier ${JSON.stringify(segment)} below "${this.path}"`);
    }
    const encoded = encodeURIComponent(segment);
    return this.path === "" ? encoded : `${this.path}/${encoded}`;
  }

  /** Rejects a segment this service has no locator for. */
  protected noService(segment: string): never {
    throw new OvirtError(`There is no service "${segment}" below "/${this.path}"`);
  }

  /** Sends one request through the runtime. */
  protected invoke<T>(spec: MethodSpec, options: object | undefined, main?: unknown): Promise<T> {
    return this.#runtime.invoke(this.path, spec, options, main) as Promise<T>;
  }
}
