/**
 * Adds an OpenStack Glance image provider, authenticating through Keystone; its images
 * then show up in a storage domain of type `image` (see `list_glance_images.ts`).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read
 * examples/add_openstack_image_provider.ts [--name myglance]
 * [--provider-url http://glance.example.com:9292]
 * [--authentication-url http://keystone.example.com:35357/v2.0]
 * [--provider-username admin] [--tenant admin]` (Keystone password: GLANCE_PASSWORD)
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_openstack_image_provider.ts [--name myglance] [--provider-url http://glance.example.com:9292] [--authentication-url http://keystone.example.com:35357/v2.0] [--provider-username admin] [--tenant admin]";

const { values } = scriptArgs(USAGE, {
  name: { type: "string", default: "myglance" },
  "provider-url": { type: "string", default: "http://glance.example.com:9292" },
  "authentication-url": { type: "string", default: "http://keystone.example.com:35357/v2.0" },
  "provider-username": { type: "string", default: "admin" },
  tenant: { type: "string", default: "admin" },
});

await using connection = new Connection(connectionOptionsFromEnv());

const provider = await connection.systemService().openstackImageProvidersService().add({
  name: String(values.name),
  description: "My Glance",
  url: String(values["provider-url"]),
  requiresAuthentication: true,
  authenticationUrl: String(values["authentication-url"]),
  username: String(values["provider-username"]),
  password: Deno.env.get("GLANCE_PASSWORD") ?? "",
  tenantName: String(values.tenant),
});
console.log(`Added image provider ${provider.name} (${provider.id}) at ${provider.url}`);
