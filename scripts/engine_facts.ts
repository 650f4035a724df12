/**
 * What the engine does that its API model does not say, as the generator's docs need it.
 * Each fact names the engine code it was read from (`ovirt-engine`,
 * `backend/manager/modules/restapi/jaxrs`).
 *
 * @module
 */

/**
 * The collections whose `add` the engine answers with `200` and a completed `<action>`
 * instead of the object added (the change is made), as `"<owner service>/<segment>"`: the
 * service whose locator leads to the collection, then the locator's URL segment. Their
 * resources' `add` returns `performAction(...)`:
 *
 * - `BackendAffinityGroupHostsResource` (`AddHostToAffinityGroup`)
 * - `BackendAffinityGroupHostLabelsResource` (`AddHostLabelToAffinityGroup`)
 * - `BackendAffinityGroupVmLabelsResource` (`AddVmLabelToAffinityGroup`)
 * - `BackendStorageDomainServerConnectionsResource` (`AttachStorageConnectionToStorageDomain`)
 * - `BackendIscsiBondNetworksResource` (`EditIscsiBond`)
 * - `BackendIscsiBondStorageConnectionsResource` (`EditIscsiBond`)
 * - `BackendVirtualFunctionAllowedNetworksResource` (`AddVfsConfigNetwork`)
 *
 * `BackendAffinityGroupVmsResource` performs an action too but answers with the VM sent, so
 * its collection is not here. The networks and storage connections of an iSCSI bond are
 * served by the same model services as `/networks` and `/storageconnections`, whose adds
 * answer with the object: the fact belongs to the place, not to the service.
 */
export const ACTION_ANSWERED_ADDS: ReadonlySet<string> = new Set([
  "AffinityGroupService/hosts",
  "AffinityGroupService/hostlabels",
  "AffinityGroupService/vmlabels",
  "StorageDomainService/storageconnections",
  "IscsiBondService/networks",
  "IscsiBondService/storageserverconnections",
  "HostNicService/virtualfunctionallowednetworks",
]);

/** Parameters of one method that the model declares and the engine never reads. */
export interface UnreadParameters {
  /** The method, as generated: `"<service class>.<method>"`, e.g. `VmService.start`. */
  readonly method: string;
  /** The parameters' wire names. */
  readonly wires: readonly string[];
  /** The engine code that shows it: the resource method and what it reads instead. */
  readonly engine: string;
  /** What the method's doc says to use instead, in a sentence. */
  readonly instead: string;
}

/**
 * Parameters the generated methods leave out, so that TypeScript refuses them and the
 * runtime's check of option names too: the engine would answer 200 and ignore them. Each
 * entry names the resource method of `restapi/jaxrs` that handles the request; no code of
 * `backend/manager/modules/restapi` reads the ones listed.
 */
export const UNREAD_PARAMETERS: readonly UnreadParameters[] = [
  {
    method: "VmService.start",
    wires: ["authorized_key"],
    engine: "`BackendVmResource.start(Action)` reads `vm`, `volatile`, `pause`, `use_sysprep`, " +
      "`use_cloud_init`, `use_ignition`, `use_initialization` and `attach_wgt`",
    instead: "To give the VM an SSH key at this start, send " +
      "`vm: { initialization: { authorizedSshKeys } }` with `useCloudInit: true`.",
  },
  {
    method: "VmService.previewSnapshot",
    wires: ["vm"],
    engine: "`BackendVmResource.previewSnapshot(Action)` reads `snapshot`, `restore_memory`, " +
      "`disks` and `lease`",
    instead: "The preview takes the VM's configuration from `snapshot`; `disks` chooses its disks.",
  },
  {
    method: "StepService.end",
    wires: ["force"],
    engine:
      "`BackendStepResource.end(Action)` reads `succeeded` only (`EndExternalStepParameters`)",
    instead: "To end a job by force, use `JobService.end` with `force`.",
  },
  {
    method: "DiskService.convert",
    wires: ["follow"],
    engine: "`BackendDiskResource.convert(Action)` reads the `disk`'s `format`, `sparse` and " +
      "`backup`; `follow` is read from the query only (`BaseBackendResource.follow`), and the " +
      "action answers no object to follow links of",
    instead: "To read the converted disk with its links, use `DiskService.get` with `follow`.",
  },
  {
    method: "StorageDomainTemplateService.import",
    wires: ["vm"],
    engine: "`BackendStorageDomainTemplateResource.doImport(Action)` reads `storage_domain`, " +
      "`cluster`, `exclusive`, `clone` and `template`",
    instead: "To name the imported copy, send `template: { name }` with `clone: true`.",
  },
  {
    method: "VmService.exportToPathOnHost",
    wires: ["discard_snapshots", "exclusive", "storage_domain"],
    engine: "`BackendVmResource.exportToPathOnHost(Action)` reads `host`, `directory` and " +
      "`filename` (`ExportVmToOvaParameters`)",
    instead: "`discardSnapshots`, `exclusive` and `storageDomain` are those of " +
      "`exportToExportDomain`.",
  },
  {
    method: "TemplateService.exportToPathOnHost",
    wires: ["exclusive", "storage_domain"],
    engine: "`BackendTemplateResource.exportToPathOnHost(Action)` reads `host`, `directory` " +
      "and `filename` (`ExportOvaParameters`)",
    instead: "`exclusive` and `storageDomain` are those of `exportToExportDomain`.",
  },
];

/** The XML Schema type of an integer member that is not `xs:int`. */
export type WideInteger = "long" | "unsignedInt";

/**
 * The integer members the engine's schema does not make `xs:int` (the exceptions of the
 * metamodel's `SchemaGenerator`), by declaring struct and tag. The generator writes each one's
 * type into its member's metadata (`range`), where the writer and the simulator read the
 * range of values it takes; it refuses an entry the model has no integer member for.
 */
export const WIDE_INTEGERS: Readonly<Record<string, Readonly<Record<string, WideInteger>>>> = {
  Disk: {
    actual_size: "long",
    provisioned_size: "long",
    initial_size: "long",
    total_size: "long",
  },
  GlusterClient: { bytes_read: "long", bytes_written: "long" },
  Host: { memory: "long", max_scheduling_memory: "long" },
  HostNic: { speed: "long" },
  Image: { size: "long" },
  ImageTransfer: { transferred: "long" },
  LogicalUnit: { size: "long", discard_max_size: "long" },
  MemoryPolicy: { guaranteed: "long", max: "long" },
  NumaNode: { memory: "long" },
  QuotaStorageLimit: { limit: "long" },
  StorageDomain: { available: "long", used: "long", committed: "long" },
  Ticket: { expiry: "unsignedInt" },
  VmBase: { memory: "long" },
};

/** A parameter of one method that the engine reads and the model does not declare. */
export interface EngineParameter {
  /** The method, as generated: `"<service class>.<method>"`, e.g. `HostService.approve`. */
  readonly method: string;
  /** The option's name, camelCase. */
  readonly name: string;
  /** The wire name: the query parameter, or the `<action>` member's tag. */
  readonly wire: string;
  /**
   * The kind of a query parameter's value. An action's parameter has none here: it is the
   * `Action` member of its tag, with that member's type.
   */
  readonly kind?: "string" | "boolean";
  /** The engine code that reads it, and what it does with it. */
  readonly engine: string;
  /** What else the option's doc says, in a sentence, if anything. */
  readonly note?: string;
}

const COPY_MOVE = "`BackendDiskResource.copy(Action)` and `move(Action)`, to which " +
  "`BackendStorageDomainDiskResource` and `BackendAttachedStorageDomainDiskResource` hand the " +
  "action, read it";

const BY_ID = "The engine reads only its `id`: a reference by name alone fails there with a " +
  "server error (HTTP 500), so look the profile or quota up first.";

const UNREGISTERED_GET = "reads it as a query parameter: with `true`, it looks for a disk the " +
  "domain holds but the engine has not registered (`GetUnregisteredDisk`)";

/**
 * Parameters the generated methods add to the model's: the model (4.6.1) does not declare them,
 * yet the engine reads them, and some of its behaviours are reached only through them. Each
 * entry names the resource method of `restapi/jaxrs` that reads it. The generator adds each to
 * its method's options (typed as the `Action` member of its tag, for an action), so that
 * TypeScript and the runtime's check of option names take it; it refuses an entry the model
 * now declares, or whose method or `Action` member it lacks.
 */
export const ENGINE_PARAMETERS: readonly EngineParameter[] = [
  {
    method: "HostService.unregisteredStorageDomainsDiscover",
    name: "iscsiTargets",
    wire: "iscsi_targets",
    engine: "`BackendHostResource.unregisteredStorageDomainsDiscover(Action)` connects to each " +
      "target named (an IQN, at `iscsi`'s address, port, user name and password) before it looks " +
      "for domains; without targets it connects to none, and domains on a target the host is " +
      "not logged in to are not found",
    note: "`iscsiDiscover` answers the targets of an address.",
  },
  {
    method: "StorageDomainTemplateService.register",
    name: "vm",
    wire: "vm",
    engine: "`BackendStorageDomainTemplateResource.register(Action)` applies `template`'s name " +
      "to a clone only `if (action.isSetVm() && action.getTemplate().isSetName())`",
    note: "To name the registered copy, send `template: { name }` with `clone: true` and any " +
      "`vm`, such as `vm: {}`: without a `vm` the engine keeps the template's own name.",
  },
  {
    method: "GlusterVolumeService.resetAllOptions",
    name: "force",
    wire: "force",
    engine: "`BackendGlusterVolumeResource.resetAllOptions(Action)` passes it to " +
      "`ResetGlusterVolumeOptions`, as `resetOption` does",
  },
  {
    method: "HostService.approve",
    name: "rootPassword",
    wire: "root_password",
    engine: "`BackendHostResource.approve(Action)` logs in to the host with it (password " +
      "authentication) instead of the engine's SSH key, as `install` does",
  },
  {
    method: "HostService.approve",
    name: "ssh",
    wire: "ssh",
    engine: '`BackendHostResource.approve(Action)` takes `authenticationMethod: "password"` ' +
      "with `user.password` instead of the engine's SSH key, as `install` does",
  },
  ...["StorageDomainDiskService", "AttachedStorageDomainDiskService"].flatMap((service) => [
    {
      method: `${service}.copy`,
      name: "diskProfile",
      wire: "disk_profile",
      engine: COPY_MOVE,
      note: BY_ID,
    },
    { method: `${service}.copy`, name: "quota", wire: "quota", engine: COPY_MOVE, note: BY_ID },
    {
      method: `${service}.copy`,
      name: "async",
      wire: "async",
      engine: "`AbstractBackendActionableResource.doAction` reads it for every action",
    },
    {
      method: `${service}.copy`,
      name: "filter",
      wire: "filter",
      engine: "`BackendDiskResource.copy(Action)` reads the disk with it " +
        "(`BaseBackendResource.isFiltered`)",
    },
    {
      method: `${service}.move`,
      name: "diskProfile",
      wire: "disk_profile",
      engine: COPY_MOVE,
      note: BY_ID,
    },
    { method: `${service}.move`, name: "quota", wire: "quota", engine: COPY_MOVE, note: BY_ID },
  ]),
  {
    method: "StorageDomainDiskService.get",
    name: "unregistered",
    wire: "unregistered",
    kind: "boolean",
    engine: `\`BackendStorageDomainDiskResource.get()\` ${UNREGISTERED_GET}`,
  },
  {
    method: "AttachedStorageDomainDiskService.get",
    name: "unregistered",
    wire: "unregistered",
    kind: "boolean",
    engine: `\`AbstractBackendStorageDomainDiskResource.get()\` ${UNREGISTERED_GET}`,
  },
  {
    method: "TemplateDiskService.remove",
    name: "force",
    wire: "force",
    kind: "boolean",
    engine: "`BackendTemplateDiskResource.remove()` reads it as a query parameter " +
      "(`RemoveDiskParameters.forceDelete`)",
  },
  {
    method: "TemplateDiskService.remove",
    name: "storageDomain",
    wire: "storage_domain",
    kind: "string",
    engine: "`BackendTemplateDiskResource.remove()` reads it as a query parameter, the id of the " +
      "domain to remove the disk from; the engine refuses to remove a template's disk without it",
  },
  {
    method: "UserService.update",
    name: "merge",
    wire: "merge",
    kind: "boolean",
    engine: "`BackendUserResource.update(User)` reads it as a query parameter: without `true`, " +
      "every option of the user that the body leaves out is removed",
  },
];

/**
 * Link list members whose items are of another type than the model declares, by declaring
 * struct and tag: the type the service the link leads to answers, which is what following the
 * link gives. The generator types the member (and its metadata) so; it refuses an entry the
 * model has no link list member for.
 *
 * - `ExternalHostProvider.hosts`: the model declares `Host[]`, but the `hosts` locator leads to
 *   `ExternalHostsService`, whose `BackendExternalHostsResource.list()` answers `ExternalHosts`.
 */
export const LINK_ITEM_TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ExternalHostProvider: { hosts: "ExternalHost" },
};
