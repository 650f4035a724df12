/**
 * Shapes of the per-type tables that the generator writes to `types/metadata.ts`
 * and that the XML reader and writer walk. Hand-written: the contract between the
 * generated code and the runtime.
 *
 * @module
 */

/** How a value is represented in XML and in TypeScript. */
export type ValueKind =
  | "string"
  | "boolean"
  | "integer"
  | "decimal"
  | "date"
  | "enum"
  | "struct";

/** One member of a struct: an attribute, or a link to an object living elsewhere. */
export interface MemberMeta {
  /** TypeScript property name (camelCase), e.g. `diskAttachments`. */
  readonly name: string;
  /** XML element name (or XML attribute name when `attribute` is set), e.g. `disk_attachments`. */
  readonly tag: string;
  /** Value kind of the member (of each item, for a list). */
  readonly kind: ValueKind;
  /** Struct or enum name, for kinds `struct` and `enum`. */
  readonly type?: string;
  /** Whether the member is a list (a wrapper element holding one element per item). */
  readonly list?: boolean;
  /** Item element name written for lists: the struct's tag, or the singular of the member. */
  readonly item?: string;
  /** Whether the member is a `@Link` in the model. */
  readonly link?: boolean;
  /** For list links: the `rel` of the `<link>` element that carries its `href`. */
  readonly rel?: string;
  /** Whether the member travels as an XML attribute (`id`, `href`, `rel`). */
  readonly attribute?: boolean;
  /** For an integer member the engine's schema does not make `xs:int`: its schema type. */
  readonly range?: "long" | "unsignedInt";
}

/** One struct of the model. */
export interface StructMeta {
  /** Model name, e.g. `Vm`. */
  readonly name: string;
  /** Base struct name, if any: its members are inherited. */
  readonly base?: string;
  /** Root element of one object, e.g. `vm`. */
  readonly tag: string;
  /** Root element of a list document, e.g. `vms`. */
  readonly listTag: string;
  /** The members declared by this struct itself (not the inherited ones). */
  readonly members: readonly MemberMeta[];
}

/** One enum of the model. */
export interface EnumMeta {
  /** Model name, e.g. `VmStatus`. */
  readonly name: string;
  /** The wire values, e.g. `image_locked`. */
  readonly values: readonly string[];
}

/** What a document root tag stands for. */
export interface RootMeta {
  /** Struct name. */
  readonly type: string;
  /** Whether the document is a list of that struct. */
  readonly list: boolean;
}

/** What a generated builder sets the members of: the object being built. */
export type SlotTarget = Record<string, unknown>;

/**
 * Builds one struct's object from its member values, one slot per member in the order
 * of the reader's `StructInfo.members` (`undefined`: absent). Called with `new`.
 */
export type StructBuilder = new (slots: readonly unknown[]) => object;

/**
 * Turns the generated builder functions into constructors of plain objects: their
 * instances get `Object.prototype`, like object literals.
 */
export function structBuilders(
  builders: Record<string, (this: SlotTarget, slots: readonly unknown[]) => void>,
): Readonly<Record<string, StructBuilder>> {
  for (const builder of Object.values(builders)) builder.prototype = Object.prototype;
  return builders as unknown as Readonly<Record<string, StructBuilder>>;
}
