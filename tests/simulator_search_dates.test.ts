/**
 * Date fields read values as an engine in the en_US locale does: `today`, `yesterday`, a
 * weekday name (that day of the last week), `12/7/26`, `Dec 7, 2026`...; `time = <day>`
 * is the whole day. An ISO date (`2026-12-07`) is not a date the engine reads, and `time`
 * takes only `<`, `>` and `=`: such a search is a syntax error and finds nothing.
 */

import assert from "node:assert/strict";
import { simulatorSession } from "./sim_session.ts";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const DAY = 24 * 60 * 60 * 1000;

Deno.test("simulator: event time by today, yesterday, weekdays and the engine's date forms", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const events = session.connection.systemService().eventsService();
  for (const customId of [1, 2, 3]) {
    await events.add({ description: "qa", severity: "normal", origin: "qa", customId });
  }
  const now = new Date();
  const short = `${now.getUTCMonth() + 1}/${now.getUTCDate()}/${
    String(now.getUTCFullYear()).slice(2)
  }`;
  const medium = `"${MONTHS[now.getUTCMonth()]} ${now.getUTCDate()}, ${now.getUTCFullYear()}"`;
  const iso = now.toISOString().slice(0, 10);
  const weekday = DAYS[new Date(now.getTime() - 3 * DAY).getUTCDay()];
  const count = async (time: string) =>
    (await events.list({ search: `origin=qa and ${time}` })).length;
  for (
    const time of [
      "time = today",
      "time > yesterday",
      `time > ${weekday}`,
      `time = ${short}`,
      `time > ${short}`,
      `time = ${medium}`,
    ]
  ) {
    assert.equal(await count(time), 3, time);
  }
  for (
    const time of [
      "time = yesterday",
      "time < today",
      `time > ${iso}`,
      `time = ${iso}`,
      "time=x",
      "time >= today",
      "time != yesterday",
    ]
  ) {
    assert.equal(await count(time), 0, time);
  }
});
