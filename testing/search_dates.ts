/**
 * Date values of the engine's search language, as an engine in the `en_US` locale reads
 * them: `today`, `yesterday`, a weekday name (that day of the last week, two to seven days
 * back), or a date in one of the JDK's `DateFormat` styles (`12/7/26`, `12/7/2026`,
 * `Dec 7, 2026`, `December 7, 2026`, `Monday, December 7, 2026`; text after the date, such
 * as a time, is ignored, and out-of-range days roll over). Anything else, an ISO date
 * (`2026-12-07`) included, is not a date: the engine's syntax checker refuses it. Days
 * are UTC days.
 *
 * @module
 */

const DAY = 24 * 60 * 60 * 1000;

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

const NUMERIC = /^\s*(\d+)\/(\d+)\/(\d+)/;
const NAMED = /^\s*(?:([a-z]+), )?([a-z]+) (\d+), (\d+)/i;

/** The UTC midnight starting the day `text` names, relative to `now`; `undefined` if none. */
export function searchDay(text: string, now: Date): Date | undefined {
  const today = Math.floor(now.getTime() / DAY) * DAY;
  const word = text.trim().toLowerCase();
  if (word === "today") return new Date(today);
  if (word === "yesterday") return new Date(today - DAY);
  const weekday = WEEKDAYS.indexOf(word);
  if (weekday >= 0) {
    for (let back = 2; back <= 7; back++) {
      const day = new Date(today - back * DAY);
      if (day.getUTCDay() === weekday) return day;
    }
  }
  const numeric = NUMERIC.exec(text);
  if (numeric) {
    return utcDay(year(numeric[3], now), Number(numeric[1]) - 1, Number(numeric[2]));
  }
  const named = NAMED.exec(text);
  if (named && (named[1] === undefined || dayName(named[1]))) {
    const month = monthOf(named[2]);
    if (month !== undefined) return utcDay(year(named[4], now), month, Number(named[3]));
  }
  return undefined;
}

function utcDay(year: number, month: number, day: number): Date {
  const date = new Date(Date.UTC(2000, month, day));
  date.setUTCFullYear(year + date.getUTCFullYear() - 2000);
  return date;
}

/** A two-digit year falls in the 100 years from 80 years before `now`, as the JDK reads it. */
function year(text: string, now: Date): number {
  const value = Number(text);
  if (text.length !== 2) return value;
  const start = now.getUTCFullYear() - 80;
  const candidate = Math.floor(start / 100) * 100 + value;
  return candidate < start ? candidate + 100 : candidate;
}

function monthOf(word: string): number | undefined {
  const lower = word.toLowerCase();
  const index = MONTHS.findIndex((month) => month === lower || month.slice(0, 3) === lower);
  return index < 0 ? undefined : index;
}

function dayName(word: string): boolean {
  const lower = word.toLowerCase();
  return WEEKDAYS.some((day) => day === lower || day.slice(0, 3) === lower);
}
