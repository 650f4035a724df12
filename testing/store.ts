/**
 * The simulator's object store: plain typed objects (as the XML reader produces them)
 * kept per collection path, in insertion order. A collection below an entity
 * (`vms/1a2/nics`) goes away with that entity.
 *
 * @module
 */

/** One stored object: a typed model value that has an id. */
export type Entity = { id: string } & Record<string, unknown>;

/** Objects by collection path (`vms`, `vms/1a2/nics`; segments percent-encoded) and id. */
export class Store {
  readonly #collections = new Map<string, Map<string, Entity>>();
  readonly #children = new Map<string, Set<string>>();

  /** The objects of `collection`, in insertion order. */
  items(collection: string): Entity[] {
    const items = this.#collections.get(collection);
    return items ? [...items.values()] : [];
  }

  /** How many objects `collection` holds. */
  count(collection: string): number {
    return this.#collections.get(collection)?.size ?? 0;
  }

  /** The object `id` of `collection`. */
  get(collection: string, id: string): Entity | undefined {
    return this.#collections.get(collection)?.get(id);
  }

  /** The first object of `collection` that satisfies `test`. */
  find(collection: string, test: (entity: Entity) => boolean): Entity | undefined {
    const items = this.#collections.get(collection);
    if (items) {
      for (const entity of items.values()) if (test(entity)) return entity;
    }
    return undefined;
  }

  /** Adds `entity` to `collection`, or replaces the object with its id. */
  put(collection: string, entity: Entity): Entity {
    let items = this.#collections.get(collection);
    if (!items) {
      items = new Map();
      this.#collections.set(collection, items);
      const cut = collection.lastIndexOf("/");
      if (cut > 0) {
        const owner = collection.slice(0, cut);
        let children = this.#children.get(owner);
        if (!children) this.#children.set(owner, children = new Set());
        children.add(collection);
      }
    }
    items.set(entity.id, entity);
    return entity;
  }

  /** Removes object `id` from `collection` with every collection below it; false if absent. */
  delete(collection: string, id: string): boolean {
    const removed = this.#collections.get(collection)?.delete(id) ?? false;
    if (removed) this.#dropBelow(`${collection}/${encodeURIComponent(id)}`);
    return removed;
  }

  #dropBelow(owner: string): void {
    const children = this.#children.get(owner);
    if (!children) return;
    this.#children.delete(owner);
    for (const collection of children) {
      const items = this.#collections.get(collection);
      this.#collections.delete(collection);
      for (const id of items?.keys() ?? []) {
        this.#dropBelow(`${collection}/${encodeURIComponent(id)}`);
      }
    }
  }
}
