/**
 * The names the engine takes, refused with 400 and the engine's words.
 *
 * VMs and templates: letters (of any script), digits, `.`, `_` and `-` only
 * (`ValidationUtils.NO_SPECIAL_CHARACTERS_I18N`, checked by `@ValidI18NName` on
 * `VmStatic.getName()`, `VmTemplate.getName()` and `AddVmTemplateParameters.name`), and for a
 * VM at most 64 characters (`MaxVmNameLength`, checked by `AddVmCommand` and
 * `UpdateVmCommand`, in UTF-16 units as Java counts).
 *
 * Hosts, clusters, data centers, storage domains and disk aliases: the bean validation of
 * the command's parameters (groups `CreateEntity`, `UpdateEntity`), run on the whole object
 * the add or update leaves (an update that does not rename still has its name checked),
 * answers each broken constraint's message followed by `Attribute: ` and its path in the
 * parameters; some commands then check the length against a configured limit. `AddDisk`
 * validates the alias of a new disk only when a VM gets it, `UpdateDisk` always.
 *
 * @module
 */

import { badParameters } from "./answers.ts";

/**
 * `ValidationUtils.NO_SPECIAL_CHARACTERS_I18N`, of `@ValidI18NName` (may be empty): the
 * characters of a VM, template or cluster name and of a disk alias.
 */
const I18N_NAME = /^[\p{L}0-9._-]*$/u;

/** `ValidationUtils.NO_SPECIAL_CHARACTERS`, of `@ValidName`. */
const ASCII_NAME = /^[0-9a-zA-Z_-]+$/;

/** The longest VM name the engine takes (its default `MaxVmNameLength`). */
const MAX_VM_NAME_LENGTH = 64;

/**
 * Refuses `name`, when it is a string, for `verb` (`add`, `edit`) of a `label` (`VM`,
 * `Template`) if it holds other characters than the engine allows.
 */
export function checkNameCharacters(name: unknown, verb: string, label: string): void {
  if (typeof name !== "string" || I18N_NAME.test(name)) return;
  // "Can not" is the engine's own spelling of this message.
  throw badParameters(
    `Can not ${verb} ${label}. The given name contains special characters. Only lower-case and upper-case letters, numbers, '_', '-', '.' are allowed.`,
  );
}

/** Refuses VM name `name` for `verb` (`add`, `edit`) if it is not a name the engine takes. */
export function checkVmName(name: unknown, verb: string): void {
  checkNameCharacters(name, verb, "VM");
  if (typeof name === "string" && name.length > MAX_VM_NAME_LENGTH) {
    throw badParameters(`Cannot ${verb} VM. The given name is too long.`);
  }
}

/** The kinds of objects whose names {@link checkName} checks. */
export type NameKind = "host" | "cluster" | "dataCenter" | "storageDomain" | "diskAlias";

/** How the engine checks the name of one kind of object. */
interface NameRule {
  /** The whole name must match (the `@Pattern` of the name's annotation). */
  readonly pattern: RegExp;
  /** The translated message of a name that does not match. */
  readonly invalid: string;
  /** Where the name is in the command's parameters, as the engine reports it. */
  readonly path: string;
  /** A size constraint of the same validation groups: its bounds and translated message. */
  readonly size?: { readonly min: number; readonly max: number; readonly message: string };
  /**
   * The longest name the command takes (a configured limit, checked after the bean
   * validation), with the type and the verbs of adding and editing in its message.
   */
  readonly limit?: {
    readonly max: number;
    readonly label: string;
    readonly add: string;
    readonly edit: string;
  };
}

/** The engine's rules by kind, with its words (`AppErrors.properties`). */
const NAME_RULES: Readonly<Record<NameKind, NameRule>> = {
  // `VdsStatic.name`: `@ValidNameWithDot`; its `@Size` is of the default group, which the
  // commands do not validate; `HostValidator.nameLengthIsLegal` checks `MaxVdsNameLength`.
  host: {
    pattern: /^[0-9a-zA-Z._-]+$/,
    invalid: `Host name must be formed of alphanumeric characters, numbers or "-_."`,
    path: "vdsStatic.name",
    limit: { max: 255, label: "Host", add: "add", edit: "edit" },
  },
  // `Cluster.name`: `@ValidI18NName` and `@Size(1, CLUSTER_NAME_SIZE)` with its own message.
  cluster: {
    pattern: I18N_NAME,
    invalid: "Cluster names may only contain letters, numbers, '-', or '_'.",
    path: "cluster.name",
    size: { min: 1, max: 40, message: "Cluster name must not exceed 40 characters" },
  },
  // `StoragePool.name`: `@ValidName`; the length against `StoragePoolNameSizeLimit`.
  dataCenter: {
    pattern: ASCII_NAME,
    invalid: "Data Center name may only contain letters, numbers, '-', or '_'.",
    path: "privateStoragePool.name",
    limit: { max: 40, label: "Data Center", add: "create", edit: "edit" },
  },
  // `StorageDomainStatic.name`: `@ValidName`; the length against `StorageDomainNameSizeLimit`.
  storageDomain: {
    pattern: ASCII_NAME,
    invalid: "Storage Domain name must be formed of 'a-z', 'A-Z', '0-9', '_' or '-' characters",
    path: "privateStorageDomain.name",
    limit: { max: 50, label: "Storage", add: "add", edit: "edit" },
  },
  // `BaseDisk.diskAlias`: `@ValidI18NName` and `@Size(0, GENERAL_NAME_SIZE)` without a
  // message of its own (the validator's default, which the engine does not translate).
  diskAlias: {
    pattern: I18N_NAME,
    invalid: `Disk alias name must be formed of alpha-numeric characters or "-_."`,
    path: "diskInfo.diskAlias",
    size: { min: 0, max: 255, message: "size must be between 0 and 255" },
  },
};

/**
 * Refuses `name`, when it is a string, as the name of a `kind` object that `verb` (`add`,
 * `edit`) leaves, if the engine would not take it.
 */
export function checkName(kind: NameKind, name: unknown, verb: "add" | "edit"): void {
  if (typeof name !== "string") return;
  const rule = NAME_RULES[kind];
  const broken: string[] = [];
  if (!rule.pattern.test(name)) broken.push(rule.invalid);
  if (rule.size && (name.length < rule.size.min || name.length > rule.size.max)) {
    broken.push(rule.size.message);
  }
  if (broken.length) {
    throw badParameters(broken.map((message) => `${message}, Attribute: ${rule.path}`).join(", "));
  }
  if (rule.limit && name.length > rule.limit.max) {
    throw badParameters(
      `Cannot ${rule.limit[verb]} ${rule.limit.label}. The given name is too long.`,
    );
  }
}
