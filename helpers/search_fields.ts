/**
 * Where an object of the API shows the value an engine search field compares, for the
 * fields whose name is not the attribute's: an event's `message` is its `description`, a
 * user's `login` its `principal`, a VM's `on_host` its `host`. From the engine's
 * `*ConditionFieldAutoCompleter` classes (field to column) and its REST mappers (column to
 * attribute). A field not listed here is read at its own name, camel-cased.
 *
 * @module
 */

/** What an item shows of a search field's value. */
export type Shown =
  /** The texts to compare (several for a list, such as a storage domain's data centers). */
  | { readonly kind: "values"; readonly values: readonly string[] }
  /** A user's login and directory, which `usrname=login@directory` compares one by one. */
  | { readonly kind: "login"; readonly login: string; readonly directory: string }
  /** A reference without its name (listed without `follow`): it cannot be told. */
  | { readonly kind: "reference" }
  /** Nothing: the item does not carry the value. */
  | { readonly kind: "none" };

/**
 * The attribute paths (camelCase, dotted) of each search field (lower case) named otherwise
 * in the API. With several, the first whose first step the item has is read: the same field
 * name means different things in different collections (`type` of storage domains is their
 * storage's, of events their code).
 */
const ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  // Events (AuditLogConditionFieldAutoCompleter; EventMapper).
  message: ["description"],
  event_host: ["host"],
  event_vm: ["vm"],
  event_template: ["template"],
  event_storage: ["storageDomain"],
  event_datacenter: ["dataCenter"],
  custom_event_id: ["customId"],
  usrid: ["user.id"],
  _event_host_id: ["host.id"],
  _event_vm_id: ["vm.id"],
  _event_template_id: ["template.id"],
  _event_storage_id: ["storageDomain.id"],
  _event_datacenter_id: ["dataCenter.id"],
  type: ["storage.type", "code", "type"],
  // Users (VdcUserConditionFieldAutoCompleter; UserMapper) and groups.
  usrname: ["user.name"], // of events; users' own are read by `userName` below
  login: ["principal"],
  lastname: ["lastName"],
  directory: ["domain"],
  grpname: ["name"],
  // VMs, templates and pools.
  on_host: ["host"],
  pool: ["vmPool"],
  os: ["os.type"],
  creationdate: ["creationTime"],
  custom_cpu_type: ["customCpuModel"],
  version_name: ["version.versionName"],
  _vmt_id: ["id"],
  // Hosts and clusters.
  cpu_model: ["cpu.name"],
  cpu_type: ["cpu.type"],
  hw_id: ["hardwareInformation.uuid"],
  // Disks.
  disk_type: ["storageType"],
  disk_content_type: ["contentType"],
  // Data centers of storage domains, networks and quotas; networks' own fields.
  datacenter: ["dataCenter", "dataCenters"],
  storagepoolname: ["dataCenter"],
  vlanid: ["vlan.id"],
  provider_name: ["externalProvider"],
  qos_name: ["qos"],
};

/** `snake_case` as `camelCase`. */
function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** The member of `value` at dotted `path`. */
function at(value: unknown, path: string): unknown {
  for (const step of path.split(".")) {
    value = typeof value === "object" && value !== null
      ? (value as Record<string, unknown>)[step]
      : undefined;
  }
  return value;
}

/** What one value shows: text, a struct by its name, a reference without one, or nothing. */
function shownOf(value: unknown): Shown {
  if (typeof value === "string" || typeof value === "number") {
    return { kind: "values", values: [String(value)] };
  }
  if (Array.isArray(value)) {
    const parts = value.map(shownOf);
    if (parts.some((part) => part.kind === "reference")) return { kind: "reference" };
    const values = parts.flatMap((part) => part.kind === "values" ? part.values : []);
    return values.length > 0 ? { kind: "values", values } : { kind: "none" };
  }
  if (typeof value !== "object" || value === null) return { kind: "none" };
  const struct = value as { name?: unknown; id?: unknown; href?: unknown };
  if (typeof struct.name === "string") return { kind: "values", values: [struct.name] };
  return struct.id !== undefined || struct.href !== undefined
    ? { kind: "reference" }
    : { kind: "none" };
}

/**
 * What `item` shows of search `field` (`message`, `usrname`, a dotted `cluster.name`):
 * `withAt` says whether the compared value holds an `@` (a user's `usrname` then compares
 * login and directory, else the login alone).
 */
export function shownValue(item: object, field: string, withAt: boolean): Shown {
  const key = field.toLowerCase();
  const user = item as { userName?: unknown; principal?: unknown; domain?: unknown };
  if (key === "usrname" && (user.userName !== undefined || user.principal !== undefined)) {
    const login = typeof user.principal === "string"
      ? user.principal
      : String(user.userName ?? "").replace(/@[^@]*$/, "");
    if (!withAt) return { kind: "values", values: [login] };
    const domain = shownOf(user.domain);
    const directory = domain.kind === "values"
      ? domain.values[0]
      : String(user.userName ?? "").match(/@([^@]*)$/)?.[1];
    return directory === undefined ? { kind: "none" } : { kind: "login", login, directory };
  }
  // Search field names are not case-sensitive: `DESCRIPTION=` is `description=`.
  const paths = ATTRIBUTES[key] ?? [key.split(".").map(camel).join(".")];
  const path = paths.find((candidate) => at(item, candidate.split(".")[0]) !== undefined) ??
    paths[0];
  return throughReference(item, path) ? { kind: "reference" } : shownOf(at(item, path));
}

/**
 * Whether dotted `path` of `item` goes through a reference listed without `follow` (an object
 * with an id or href that lacks the next step: `cluster.name` of a VM's `cluster`).
 */
function throughReference(item: object, path: string): boolean {
  const steps = path.split(".");
  let value: unknown = item;
  for (const [index, step] of steps.entries()) {
    if (typeof value !== "object" || value === null) return false;
    const struct = value as Record<string, unknown>;
    if (index > 0 && struct[step] === undefined) {
      return struct.id !== undefined || struct.href !== undefined;
    }
    value = struct[step];
  }
  return false;
}
