/**
 * The user a login name signs in as. One signs in to the SSO as `login@profile`
 * (`admin@internal`), while the engine names its users `login@directory`, after the authz
 * extension the profile uses (`admin@internal-authz`): the internal profile `internal` is
 * the directory `internal-authz`; any other profile is taken to be a directory's name.
 *
 * @module
 */

import type { Entity, Store } from "./store.ts";

/** The directory (authz extension) behind each login profile that names it otherwise. */
const DIRECTORIES: Readonly<Record<string, string>> = { internal: "internal-authz" };

/** The engine's `user_name` of login `loginName`: `admin@internal` -> `admin@internal-authz`. */
export function userNameOf(loginName: string): string {
  const at = loginName.lastIndexOf("@");
  if (at < 0) return loginName;
  const profile = loginName.slice(at + 1);
  return `${loginName.slice(0, at)}@${DIRECTORIES[profile] ?? profile}`;
}

/**
 * The user signed in to the API (the one of `engine.loginName`), if the engine has it. Takes
 * what it reads of the engine, not the engine, which calls it.
 */
export function signedInUser(
  engine: { readonly loginName: string; readonly store: Store },
): Entity | undefined {
  const userName = userNameOf(engine.loginName);
  return engine.store.find("users", (user) => user.userName === userName);
}
