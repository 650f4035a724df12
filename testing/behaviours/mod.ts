/**
 * Every service-specific behaviour, by service class name. Services not listed here get
 * the generic handling of `api.ts` and `generic.ts`.
 *
 * @module
 */

import type { Behaviour } from "../behaviour.ts";
import { AFFINITY_GROUP_BEHAVIOURS } from "./affinity_groups.ts";
import { AFFINITY_LABEL_BEHAVIOURS } from "./affinity_labels.ts";
import { BACKUP_BEHAVIOURS } from "./backups.ts";
import { CONSOLE_BEHAVIOURS } from "./consoles.ts";
import { DISK_ATTACHMENT_BEHAVIOURS } from "./disk_attachments.ts";
import { DISK_SNAPSHOT_BEHAVIOURS } from "./disk_snapshots.ts";
import { DISK_BEHAVIOURS } from "./disks.ts";
import { EVENT_BEHAVIOURS } from "./events.ts";
import { GLANCE_BEHAVIOURS } from "./glance.ts";
import { HOST_BEHAVIOURS } from "./hosts.ts";
import { IMAGE_TRANSFER_BEHAVIOURS } from "./image_transfers.ts";
import { IMPORT_BEHAVIOURS } from "./imports.ts";
import { INFRASTRUCTURE_BEHAVIOURS } from "./infrastructure.ts";
import { JOB_BEHAVIOURS } from "./jobs.ts";
import { NETWORK_BEHAVIOURS } from "./networks.ts";
import { NIC_ATTACHMENT_BEHAVIOURS } from "./nic_attachments.ts";
import { PERMISSION_BEHAVIOURS } from "./permissions.ts";
import { POOL_BEHAVIOURS } from "./pools.ts";
import { PROTECTED_OBJECT_BEHAVIOURS } from "./protected_objects.ts";
import { PROVIDER_BEHAVIOURS } from "./providers.ts";
import { STATISTIC_BEHAVIOURS } from "./statistics.ts";
import { STORAGE_BEHAVIOURS } from "./storage.ts";
import { TAG_BEHAVIOURS } from "./tags.ts";
import { TEMPLATE_BEHAVIOURS } from "./templates.ts";
import { VM_BEHAVIOURS } from "./vms.ts";

/** Behaviours by service class name (`VmService`). */
export const BEHAVIOURS: Readonly<Record<string, Behaviour>> = {
  ...VM_BEHAVIOURS,
  ...DISK_BEHAVIOURS,
  ...DISK_ATTACHMENT_BEHAVIOURS,
  ...DISK_SNAPSHOT_BEHAVIOURS,
  ...TEMPLATE_BEHAVIOURS,
  ...HOST_BEHAVIOURS,
  ...STORAGE_BEHAVIOURS,
  ...INFRASTRUCTURE_BEHAVIOURS,
  ...EVENT_BEHAVIOURS,
  ...GLANCE_BEHAVIOURS,
  ...JOB_BEHAVIOURS,
  ...STATISTIC_BEHAVIOURS,
  ...IMAGE_TRANSFER_BEHAVIOURS,
  ...CONSOLE_BEHAVIOURS,
  ...BACKUP_BEHAVIOURS,
  ...AFFINITY_LABEL_BEHAVIOURS,
  ...AFFINITY_GROUP_BEHAVIOURS,
  ...IMPORT_BEHAVIOURS,
  ...POOL_BEHAVIOURS,
  ...TAG_BEHAVIOURS,
  ...PERMISSION_BEHAVIOURS,
  ...PROTECTED_OBJECT_BEHAVIOURS,
  ...NIC_ATTACHMENT_BEHAVIOURS,
  ...NETWORK_BEHAVIOURS,
  ...PROVIDER_BEHAVIOURS,
};
