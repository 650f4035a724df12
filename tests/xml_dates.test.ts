/**
 * Dates read from bytes (`dateFromBytes`, which `parseDate` and both readers use) against an
 * independent reading by a regular expression and `Date`'s own calendar: every form the
 * engine and the writer produce, time zones, fractions of any length, the calendar's edges
 * and out-of-range or malformed values (NaN), and seeded mutations of them.
 */

import "../types/register.ts";
import assert from "node:assert/strict";
import { dateFromBytes, parseDate } from "../transport/xml/values.ts";
import { fromXml, toXml } from "../transport/xml/mod.ts";
import { seededRandom } from "./xml_test_utils.ts";

const FORM =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))?$/;

/** The time `text` stands for, by the regular expression and `Date`; NaN when invalid. */
function oracle(text: string): number {
  const m = FORM.exec(text);
  if (m === null) return NaN;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const millisecond = Number((m[7] ?? "0").slice(0, 3).padEnd(3, "0"));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return NaN;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // years 0 to 99 as they are, unlike Date.UTC
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return NaN;
  date.setUTCHours(hour, minute, second, millisecond);
  let offset = 0;
  if (m[9] !== undefined) {
    const hours = Number(m[10]), minutes = Number(m[11]);
    if (hours > 14 || minutes > 59) return NaN;
    offset = (m[9] === "+" ? 1 : -1) * (hours * 60 + minutes);
  }
  return date.getTime() - offset * 60_000;
}

function fromBytes(text: string): number {
  const bytes = new TextEncoder().encode(`<${text}>`);
  return dateFromBytes(bytes, 1, bytes.length - 1);
}

function same(text: string): void {
  const expected = oracle(text);
  assert.ok(Object.is(fromBytes(text), expected), `${text}: ${fromBytes(text)} != ${expected}`);
  assert.equal(parseDate(text)?.getTime() ?? NaN, oracle(text.trim()), text); // trims
}

Deno.test("dates: the calendar, zones and fractions as Date reads them", () => {
  const tails = [
    "",
    ".5",
    ".12",
    ".123",
    ".1234567",
    "Z",
    ".000Z",
    "+02:00",
    ".758+02:00",
    "-05:30",
    "+14:00",
    "-14:59",
    "+00:00",
    "-00:00",
  ];
  for (const year of [0, 1, 3, 4, 99, 100, 399, 400, 1600, 1700, 1900, 1969, 1970, 2000, 2024]) {
    for (let month = 1; month <= 12; month++) {
      for (const day of [1, 28, 29, 30, 31]) {
        const date = `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${
          String(day).padStart(2, "0")
        }`;
        for (const time of ["00:00:00", "23:59:59", "12:34:56"]) {
          for (const tail of tails) same(`${date}T${time}${tail}`);
        }
      }
    }
  }
  for (const year of [2100, 2400, 9999]) same(`${year}-02-29T00:00:00Z`);
});

Deno.test("dates: out of range or malformed values are NaN", () => {
  for (
    const text of [
      "2024-00-01T00:00:00",
      "2024-13-01T00:00:00",
      "2024-04-31T00:00:00",
      "2023-02-29T00:00:00",
      "2024-05-00T00:00:00",
      "2024-05-01T24:00:00",
      "2024-05-01T12:60:00",
      "2024-05-01T12:00:60",
      "2024-05-01T12:00:00+15:00",
      "2024-05-01T12:00:00+02:60",
      "2024-05-01T12:00:00+0200",
      "2024-05-01T12:00:00+2:00",
      "2024-05-01T12:00:00Z+02:00",
      "2024-05-01T12:00:00.",
      "2024-05-01T12:00:00.Z",
      "2024-05-01T12:00:00z",
      "2024-05-01t12:00:00",
      "2024-05-01 12:00:00",
      "2024/05/01T12:00:00",
      "+024-05-01T12:00:00",
      "-024-05-01T12:00:00",
      "2a24-05-01T12:00:00",
      "2024-05-01T1:00:00",
      "2024-05-01T12:00",
      "2024-05-01",
      "",
    ]
  ) {
    same(text);
    assert.ok(Number.isNaN(fromBytes(text)), text);
  }
});

Deno.test("dates: seeded mutations read as Date reads them", () => {
  const random = seededRandom(8);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const two = (limit: number) => String(Math.floor(random() * limit)).padStart(2, "0");
  const noise = "0123456789-T:.Z+ ";
  for (let n = 0; n < 50_000; n++) {
    let text = `${String(Math.floor(random() * 10_000)).padStart(4, "0")}-${two(14)}-${two(33)}T${
      two(25)
    }:${two(61)}:${two(61)}${pick([".", ".9", ".08", "", ".1234"])}${
      pick(["", "Z", "+01:00", "-12:45", "+14:60"])
    }`;
    if (random() < 0.3) {
      const at = Math.floor(random() * text.length);
      text = text.slice(0, at) + pick([...noise]) + text.slice(at + 1);
    }
    same(text);
  }
});

Deno.test("dates: what the writer writes reads back to the same time", () => {
  for (const time of [0, 1_714_558_829_758, -62_167_219_200_000, 253_402_300_799_999]) {
    const xml = toXml("event", { time: new Date(time) });
    const event = fromXml(xml) as { time: Date };
    assert.equal(event.time.getTime(), time, xml);
  }
});
