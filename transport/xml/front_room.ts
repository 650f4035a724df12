/**
 * Chunks with room in front: a chunk marked here is a view into a buffer whose bytes before
 * the view are free to overwrite. The tokenizer then joins the unread tail of the previous
 * chunk to it by writing that tail into the room, instead of copying the whole chunk after
 * the tail (see `XmlTokenizer.push`). The list worker hands its pieces over this way.
 *
 * @module
 */

/** The buffers whose bytes before a marked view are free, with how many of them. */
const ROOM = new WeakMap<ArrayBufferLike, number>();

/**
 * Marks `chunk` as having its buffer's bytes before it free to overwrite, once: the first
 * reader that uses the room takes it.
 */
export function markFrontRoom(chunk: Uint8Array): void {
  if (chunk.byteOffset > 0) ROOM.set(chunk.buffer, chunk.byteOffset);
}

/**
 * Takes the room in front of `chunk` if at least `length` bytes of it are free: returns
 * whether they are, and from then on they are the caller's.
 */
export function takeFrontRoom(chunk: Uint8Array, length: number): boolean {
  const room = ROOM.get(chunk.buffer);
  if (room === undefined || room !== chunk.byteOffset || room < length) return false;
  ROOM.delete(chunk.buffer);
  return true;
}
