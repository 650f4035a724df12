/**
 * External providers (OpenStack image, volume and network providers, external host
 * providers): the engine keeps them in one table, so a name is refused when any provider
 * of any kind has it.
 *
 * @module
 */

import { conflict } from "../answers.ts";
import type { Behaviour } from "../behaviour.ts";
import { addObject } from "../generic.ts";

/** The top-level collections of providers. */
const PROVIDERS = [
  "openstackimageproviders",
  "openstackvolumeproviders",
  "openstacknetworkproviders",
  "externalhostproviders",
];

const providers: Behaviour = {
  add(call, body) {
    const taken = PROVIDERS.some((collection) =>
      call.engine.store.find(collection, (provider) => provider.name === body.name)
    );
    if (taken) {
      throw conflict(
        "Cannot add provider. The provider name is already in use, please choose a unique " +
          "name and try again.",
      );
    }
    return addObject(call, body);
  },
};

/** Behaviours of the provider collections, by service name. */
export const PROVIDER_BEHAVIOURS: Record<string, Behaviour> = {
  OpenstackImageProvidersService: providers,
  OpenstackVolumeProvidersService: providers,
  OpenstackNetworkProvidersService: providers,
  ExternalHostProvidersService: providers,
};
