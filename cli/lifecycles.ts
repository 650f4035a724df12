/**
 * How the status of each kind of object moves (protocol.md §7 and the model's status enums),
 * for `--wait`: the statuses an object only passes through, those that mean a change failed,
 * and where each action leads.
 *
 * @module
 */

/** Where an action (or an add) leads. */
export interface Goal {
  /** The statuses that end the wait well. */
  readonly reach: readonly string[];
  /** Statuses that end it in failure, besides the type's own. */
  readonly failed?: readonly string[];
  /**
   * Set when the goal is the status the object had before the call (a host upgraded comes
   * back `up`): that status counts once the object was seen in another one, or once this
   * says the work is done (the engine may not have moved it yet at the first poll, or may
   * have moved it and back between two polls).
   */
  readonly doneWhen?: (object: Readonly<Record<string, unknown>>) => boolean;
}

/** How the status of one type moves. */
export interface Lifecycle {
  /** Statuses an object only passes through on its way somewhere: the wait goes on. */
  readonly passing: readonly string[];
  /** Statuses that mean the change failed, whatever was asked. */
  readonly failed: readonly string[];
  /** Where the add and each action lead, by method name; others settle anywhere not passing. */
  readonly goals: Readonly<Record<string, Goal>>;
}

const LOCKED_THEN_OK: Lifecycle = { passing: ["locked"], failed: ["illegal"], goals: {} };

/** The lifecycles by struct name. */
export const LIFECYCLES: Readonly<Record<string, Lifecycle>> = {
  Vm: {
    passing: [
      "image_locked",
      "wait_for_launch",
      "powering_up",
      "powering_down",
      "migrating",
      "reboot_in_progress",
      "saving_state",
      "restoring_state",
      "unassigned",
      "unknown",
    ],
    failed: ["not_responding"],
    goals: {
      add: { reach: ["down"] },
      start: { reach: ["up"], failed: ["down", "paused"] },
      stop: { reach: ["down"] },
      shutdown: { reach: ["down"] },
      suspend: { reach: ["suspended"] },
      reboot: { reach: ["up"], failed: ["down"] },
      reset: { reach: ["up"], failed: ["down"] },
      migrate: { reach: ["up"], failed: ["down"] },
    },
  },
  Host: {
    passing: [
      "installing",
      "initializing",
      "preparing_for_maintenance",
      "connecting",
      "reboot",
      "unassigned",
      "installing_os",
    ],
    failed: ["install_failed", "non_operational", "non_responsive", "error", "kdumping"],
    goals: {
      add: { reach: ["up", "maintenance"] },
      activate: { reach: ["up"] },
      deactivate: { reach: ["maintenance"] },
      install: { reach: ["up"] },
      // upgrade: back to where the host was (see upgradeGoal); maintenance is on the way.
    },
  },
  Disk: LOCKED_THEN_OK,
  Template: LOCKED_THEN_OK,
  InstanceType: LOCKED_THEN_OK,
  StorageDomain: {
    passing: ["locked", "preparing_for_maintenance", "detaching", "activating", "unknown"],
    failed: [],
    goals: {},
  },
  DataCenter: { passing: ["contend"], failed: ["not_operational", "problematic"], goals: {} },
  Network: { passing: [], failed: ["non_operational"], goals: {} },
  Job: {
    passing: [],
    failed: ["failed", "aborted"],
    goals: { add: { reach: ["started"] }, end: { reach: ["finished"] } },
  },
};

/**
 * The goal of `method` on a `type` whose status was `before` the call, given the call's
 * parameters (`pause` of a VM start, `activate` of a host install); `undefined` when the
 * object settles anywhere it does not only pass through. A status the goal reaches is no
 * failure, even one the type's failures list (a job ended with `succeeded` false).
 */
export function goalOf(
  type: string,
  method: string,
  before: string | undefined,
  params: Readonly<Record<string, unknown>>,
): Goal | undefined {
  if (type === "Vm" && method === "start" && params.pause === true) {
    return { reach: ["paused"], failed: ["down"] };
  }
  if (type === "Host" && method === "install" && params.activate === false) {
    return { reach: ["maintenance"] };
  }
  if (type === "Host" && method === "upgrade") return upgradeGoal(before);
  if (type === "Job" && method === "end" && params.succeeded === false) {
    return { reach: ["failed"] }; // ended as failed, as asked
  }
  return LIFECYCLES[type]?.goals[method];
}

/**
 * A host upgrade goes through maintenance and installing (and maybe reboot) back to the
 * status it had: `up`, or `maintenance` when it was upgraded there; once done, the engine
 * no longer has an update available for it.
 */
function upgradeGoal(before: string | undefined): Goal {
  return {
    reach: [before === "maintenance" ? "maintenance" : "up"],
    doneWhen: (host) => host.updateAvailable === false,
  };
}
