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
export async function replacePrivateFile(link: string, text: string): Promise<void> {
  const path = await Deno.realPath(link).catch(() => link);
  const suffix = crypto.getRandomValues(new Uint8Array(6))
    .reduce((hex, byte) => hex + byte.toString(16).padStart(2, "0"), "");
  const temporary = `${path}.${suffix}.tmp`;
  await Deno.writeTextFile(temporary, text, { mode: 0o600, createNew: true });
  try {
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}
