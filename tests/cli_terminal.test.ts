/**
 * `ovirt` on a real terminal: each run happens under a pseudo-terminal made by util-linux
 * `script`, so that the password prompt must turn echo off itself and the progress bar
 * sees a terminal. The test types the password only once the prompt is on screen.
 */

import assert from "node:assert/strict";
import { startSimulator } from "../testing/mod.ts";
import { cliHome } from "./cli_harness.ts";
import { hasTerminal, onTerminal } from "./cli_terminal_run.ts";

Deno.test({
  name: "ovirt on a terminal: password prompt without echo, progress bar redrawn in place",
  ignore: !(await hasTerminal),
  fn: async (t) => {
    await using sim = await startSimulator({ delay: 0 });
    await using home = await cliHome();
    const env = { ...home.env, OVIRT_URL: sim.url, OVIRT_USERNAME: sim.username };

    await t.step("login asks for the password and does not echo it", async () => {
      const { code, screen } = await onTerminal(["login"], env, {
        prompt: "Password for admin@internal",
        text: `${sim.password}\r`,
      });
      assert.equal(code, 0, screen);
      assert.match(
        screen,
        /Password for admin@internal at http:\/\/127\.0\.0\.1:\d+\/ovirt-engine\/api: /,
      );
      assert.ok(
        !screen.includes(sim.password),
        `the password was echoed: ${JSON.stringify(screen)}`,
      );
      assert.match(screen, /Logged in to /);
      assert.equal(sim.loginCount, 1);
    });

    await t.step("a wrong password typed on the terminal fails in one line", async () => {
      const { code, screen } = await onTerminal(["login"], env, {
        prompt: "Password for",
        text: "not-it\r",
      });
      assert.equal(code, 4);
      assert.ok(!screen.includes("not-it"));
      assert.match(screen, /ovirt: SSO login .* failed/);
    });

    await t.step("Ctrl-C typed at the password prompt ends the run as Ctrl-C does", async () => {
      const { code } = await onTerminal(["login"], env, { prompt: "Password for", text: "ab\x03" });
      assert.equal(code, 130);
    });

    await t.step("a terminal that says it has 0 columns gets whole cells", async () => {
      const size = await new Deno.Command("script", {
        args: ["-q", "-e", "-c", "stty size", "/dev/null"],
        stdin: "null",
        stdout: "piped",
      }).output();
      const [, columns] = new TextDecoder().decode(size.stdout).trim().split(/\s+/);
      if (columns !== "0") return; // this `script` gives its terminal a size
      const { code, screen } = await onTerminal(
        ["vms", "list", "-c", "name,id,description"],
        { ...env, OVIRT_PASSWORD: sim.password },
      );
      assert.equal(code, 0, screen);
      const lines = screen.trimEnd().split("\r\n");
      assert.match(lines[0], /^NAME +ID +DESCRIPTION$/);
      assert.ok(!screen.includes("…"), "no cell is cut");
      assert.match(
        lines[1],
        /^vm001 +[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/,
      );
    });

    await t.step("the upload's progress bar is one line redrawn in place", async () => {
      const file = `${home.path}/disk.raw`;
      await Deno.writeFile(file, new Uint8Array(20 * 1024 ** 2));
      const { code, screen } = await onTerminal(
        [
          "disk",
          "upload",
          file,
          "--storage-domain",
          "data",
          "--wait-interval",
          "20ms",
          "-o",
          "ids",
        ],
        env,
      );
      assert.equal(code, 0, screen);
      // Each state of the bar clears the line and redraws it; the last ends it with a newline.
      const frames = screen.split("\r\x1b[2K").slice(1);
      assert.ok(frames.length >= 3, JSON.stringify(screen));
      const percents = frames.slice(0, -1).map((frame) => {
        const match = /^Uploading disk (\d+)% \(\d+\.\d MiB\)$/.exec(frame);
        assert.ok(match, JSON.stringify(frame));
        return Number(match[1]);
      });
      percents.slice(1).forEach((percent, i) => assert.ok(percent > percents[i], screen));
      assert.ok(frames.at(-1)!.startsWith("Uploading disk 100% (20.0 MiB)\r\n"), screen);
    });
  },
});
