/**
 * Writing the CLI's own files (the cached sessions, the config file) so that another `ovirt`
 * running at the same time never sees a missing or half-written file: the text goes to a new
 * file beside the old one, readable by its owner only (0600), which then takes the old one's
 * place in one step (`rename`). Two writers at once both succeed; the last one's file stays.
 *
 * @module
 */

/**
 * Replaces the file at `path` with one holding `text`, mode 0600; its folder must exist. A
 * `path` that is a symbolic link (a config file kept with the user's dotfiles) stays one: the
 * file it points to is replaced.
 */
export async function replacePrivateFile(path: string, text: string): Promise<void> {
  const target = await Deno.realPath(path).catch(() => path);
  const suffix = crypto.getRandomValues(new Uint8Array(6))
    .reduce((hex, byte) => hex + byte.toString(16).padStart(2, "0"), "");
  const temporary = `${target}.${suffix}.tmp`;
  try {
    await Deno.writeTextFile(temporary, text, { mode: 0o600, createNew: true });
    await Deno.rename(temporary, target);
  } catch (error) {
    // A full disk leaves the old file whole, and no partial new one beside it.
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}
