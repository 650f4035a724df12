/**
 * The model tables the CLI derives its commands from: the generated service tree
 * (`services/metadata.ts`) and struct and enum tables (`types/metadata.ts`), with the shapes
 * of their rows. Everything else the CLI uses comes from the SDK's `mod.ts`.
 *
 * @module
 */

import { ROOT_SERVICE, SERVICES } from "../services/metadata.ts";
import { ENUMS, STRUCTS } from "../types/metadata.ts";

export { ENUMS, ROOT_SERVICE, SERVICES, STRUCTS };
export type { ParamSpec } from "../mod.ts";

/** One service of the tree: its methods and locators. */
export type ServiceMeta = (typeof SERVICES)[string];
/** One method of a service, signatures included. */
export type MethodMeta = ServiceMeta["methods"][number];
/** One member of a struct. */
export type MemberMeta = (typeof STRUCTS)[string]["members"][number];
