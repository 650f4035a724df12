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
