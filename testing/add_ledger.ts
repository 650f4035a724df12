/**
 * A record of every `add` request that reached the simulated engine, so that tests can
 * tell whether a client sent one twice: a re-sent add has the same collection and the
 * same body as an earlier one.
 *
 * @module
 */

/** Counts adds by name, and adds whose collection and body repeat an earlier one. */
export class AddLedger {
  readonly #byName = new Map<string, number>();
  readonly #bodies = new Set<string>();
  #duplicates = 0;

  /** Notes an add to `collection` (API-relative path) with `body`, naming `name` if it does. */
  record(collection: string, body: Uint8Array, name: string | undefined): void {
    if (name !== undefined) this.#byName.set(name, (this.#byName.get(name) ?? 0) + 1);
    const key = `${collection}\n${new TextDecoder().decode(body)}`;
    if (this.#bodies.has(key)) this.#duplicates++;
    else this.#bodies.add(key);
  }

  /** How many add requests naming `name` reached the engine (whatever their outcome). */
  count(name: string): number {
    return this.#byName.get(name) ?? 0;
  }

  /** How many add requests repeated the collection and body of an earlier one. */
  get duplicates(): number {
    return this.#duplicates;
  }
}
