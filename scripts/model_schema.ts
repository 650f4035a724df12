/**
 * The shape of `model/model.json`: the facts about the API that the importer
 * extracts from the upstream model and the generator turns into code.
 *
 * @module
 */

/** Primitive type names of the model. */
export type PrimitiveName = "String" | "Boolean" | "Integer" | "Decimal" | "Date";

/** How a value is represented (mirrors `ValueKind` of the XML metadata). */
export type ModelKind = "string" | "boolean" | "integer" | "decimal" | "date" | "enum" | "struct";

/** A reference to a type: a primitive, an enum or a struct, possibly a list. */
export interface ModelTypeRef {
  /** `String`, `Boolean`, `Integer`, `Decimal`, `Date`, or an enum or struct name. */
  type: string;
  /** Value kind of the type (of each item, for a list). */
  kind: ModelKind;
  /** Whether this is a list of the type. */
  list: boolean;
}

/** One member of a struct. */
export interface ModelMember extends ModelTypeRef {
  /** Model name without `_` decoration, e.g. `diskAttachments`, `interface`. */
  name: string;
  /** TypeScript property name. */
  tsName: string;
  /** XML element (or attribute) name. */
  tag: string;
  /** Whether the member travels as an XML attribute (`id`, `href`, `rel`). */
  attribute: boolean;
  /** Item element of a list: the struct's tag, or the singular of the member. */
  item?: string;
  /** Whether the member is a `@Link`. */
  link: boolean;
  /** `rel` of the `<link>` carrying a link list's `href`. */
  rel?: string;
  /** Whether the model marks it `@Deprecated`. */
  deprecated: boolean;
}

/** One struct. */
export interface ModelStruct {
  /** Model name, e.g. `Vm`. */
  name: string;
  /** Base struct, if any. */
  base?: string;
  /** File stem of the generated TypeScript module, e.g. `disk_attachment`. */
  file: string;
  /** Root element of one object. */
  tag: string;
  /** Root element of a list document. */
  listTag: string;
  /** Other list roots readers accept for this struct. */
  listTagAliases?: string[];
  /** Whether the model marks it `@Deprecated`. */
  deprecated: boolean;
  /** Where it comes from: a model file, or `added` for Fault, GracePeriod and Action. */
  source: string;
  /** Own members in declaration order. */
  members: ModelMember[];
}

/** One enum. */
export interface ModelEnum {
  /** Model name, e.g. `VmStatus`. */
  name: string;
  /** File stem of the generated TypeScript module. */
  file: string;
  /** Whether the model marks it `@Deprecated`. */
  deprecated: boolean;
  /** Where it comes from (model file path). */
  source: string;
  /** Constants in declaration order. */
  values: { name: string; wire: string; deprecated: boolean }[];
}

/** One parameter of a method. */
export interface ModelParameter extends ModelTypeRef {
  /** Model name without `_` decoration. */
  name: string;
  /** TypeScript name (options key or argument). */
  tsName: string;
  /** Query parameter or `<action>` element name. */
  wire: string;
  /** `@In`. */
  in: boolean;
  /** `@Out`. */
  out: boolean;
  /** Whether the model marks it `@Deprecated`. */
  deprecated: boolean;
}

/** One method (or nested signature) of a service. */
export interface ModelMethod {
  /** Model name in words joined camelCase, e.g. `add`, `isAttached`, `addFromScratch`. */
  name: string;
  /** TypeScript method name. */
  tsName: string;
  /** HTTP mapping. */
  kind: "get" | "list" | "add" | "update" | "remove" | "action";
  /** For a signature: the name of the method it is a signature of. */
  signatureOf?: string;
  /** For actions: URL segment (of the deepest base method). */
  segment?: string;
  /** Name of the main parameter of `add`/`update`. */
  main?: string;
  /** Whether the model marks it `@Deprecated`. */
  deprecated: boolean;
  /** Parameters in declaration order (a signature has its parent's first). */
  parameters: ModelParameter[];
}

/** One locator of a service. */
export interface ModelLocator {
  /** Model name, e.g. `vm`, `diskAttachments`. */
  name: string;
  /** TypeScript method name, e.g. `vmService`. */
  tsName: string;
  /** Target service name (interface name, e.g. `VmService`). */
  service: string;
  /** Name of the single String parameter (`id`, `idOrName`), if any. */
  parameter?: string;
  /** URL segment, for a locator without parameter. */
  segment?: string;
  /** Whether the model marks it `@Deprecated`. */
  deprecated: boolean;
}

/** One service. */
export interface ModelService {
  /** Interface name, also the TypeScript class name, e.g. `VmsService`. */
  name: string;
  /** File stem of the generated TypeScript module, e.g. `vms`. */
  file: string;
  /** Base service whose methods and locators are inherited. */
  base?: string;
  /** Whether this is the API root service. */
  root: boolean;
  /** Whether the model marks it `@Deprecated`. */
  deprecated: boolean;
  /** Model file path. */
  source: string;
  /** Own methods (signatures included) in declaration order. */
  methods: ModelMethod[];
  /** Own locators in declaration order. */
  locators: ModelLocator[];
}

/** The whole model file. */
export interface Model {
  /** Where the facts come from. */
  source: string;
  /** Structs sorted by name. */
  structs: ModelStruct[];
  /** Enums sorted by name. */
  enums: ModelEnum[];
  /** Services sorted by name. */
  services: ModelService[];
}
