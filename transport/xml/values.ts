/**
 * Conversions between the text of XML values and their JavaScript form: booleans, integers,
 * decimals (never written with an exponent) and dates.
 *
 * @module
 */

/** `true`/`false`/`1`/`0`, any case, surrounding white space allowed; `undefined` otherwise. */
export function parseBoolean(text: string): boolean | undefined {
  if (text === "true") return true;
  if (text === "false") return false;
  const word = text.trim().toLowerCase();
  if (word === "true" || word === "1") return true;
  if (word === "false" || word === "0") return false;
  return undefined;
}

/** A signed decimal integer (surrounding white space allowed); `undefined` otherwise. */
export function parseInteger(text: string): number | undefined {
  const digits = text.trim();
  let i = digits.charCodeAt(0) === 0x2d || digits.charCodeAt(0) === 0x2b ? 1 : 0;
  if (i === digits.length) return undefined;
  for (; i < digits.length; i++) {
    const c = digits.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  return Number(digits);
}

/**
 * A decimal number: sign, digits with an optional fraction, and (accepted defensively) an
 * exponent; surrounding white space allowed; `undefined` otherwise.
 */
export function parseDecimal(text: string): number | undefined {
  const number = text.trim();
  const length = number.length;
  const integerStart = number.charCodeAt(0) === 0x2d || number.charCodeAt(0) === 0x2b ? 1 : 0;
  let i = skipDigits(number, integerStart);
  let digits = i - integerStart;
  if (number.charCodeAt(i) === 0x2e) {
    const fractionStart = i + 1;
    i = skipDigits(number, fractionStart);
    digits += i - fractionStart;
  }
  if (digits === 0) return undefined;
  if (i < length && (number.charCodeAt(i) | 0x20) === 0x65) {
    i++;
    if (number.charCodeAt(i) === 0x2d || number.charCodeAt(i) === 0x2b) i++;
    const exponentStart = i;
    i = skipDigits(number, i);
    if (i === exponentStart) return undefined;
  }
  return i === length ? Number(number) : undefined;
}

function skipDigits(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  return i;
}

/**
 * An `xs:dateTime` such as `2016-12-12T23:07:29.758+02:00`: a fraction of any length or
 * none, `Z`, `+hh:mm`, `-hh:mm` or no zone (taken as UTC). `undefined` when invalid.
 */
export function parseDate(text: string): Date | undefined {
  const date = text.trim();
  if (
    date.length < 19 || date.charCodeAt(4) !== 0x2d || date.charCodeAt(7) !== 0x2d ||
    date.charCodeAt(10) !== 0x54 || date.charCodeAt(13) !== 0x3a || date.charCodeAt(16) !== 0x3a
  ) return undefined;
  const year = digitsAt(date, 0, 4), month = digitsAt(date, 5, 2), day = digitsAt(date, 8, 2);
  const hour = digitsAt(date, 11, 2), minute = digitsAt(date, 14, 2);
  const second = digitsAt(date, 17, 2);
  if (
    year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) ||
    hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59
  ) return undefined;
  let i = 19;
  let millisecond = 0;
  if (date.charCodeAt(i) === 0x2e) {
    const fractionStart = ++i;
    i = skipDigits(date, i);
    if (i === fractionStart) return undefined;
    for (let k = 0, scale = 100; k < 3; k++, scale /= 10) {
      const c = fractionStart + k < i ? date.charCodeAt(fractionStart + k) - 0x30 : 0;
      millisecond += c * scale;
    }
  }
  let offsetMinutes = 0;
  if (i < date.length) {
    const sign = date.charCodeAt(i);
    if (sign === 0x5a && i + 1 === date.length) {
      i++;
    } else if ((sign === 0x2b || sign === 0x2d) && i + 6 === date.length) {
      const hours = digitsAt(date, i + 1, 2), minutes = digitsAt(date, i + 4, 2);
      if (
        date.charCodeAt(i + 3) !== 0x3a || hours < 0 || hours > 14 || minutes < 0 || minutes > 59
      ) {
        return undefined;
      }
      offsetMinutes = (sign === 0x2b ? 1 : -1) * (hours * 60 + minutes);
    } else {
      return undefined;
    }
  }
  const minutes = (daysSinceEpoch(year, month, day) * 24 + hour) * 60 + minute - offsetMinutes;
  return new Date(minutes * 60_000 + second * 1000 + millisecond);
}

function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    value = value * 10 + (c - 0x30);
  }
  return value;
}

/** Days from 1970-01-01 to the given proleptic Gregorian date (valid for any year). */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) +
    dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** An integer in plain digits (`String` would use an exponent from 1e21 on). */
export function formatInteger(value: number): string {
  return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
}

/** A finite number in plain decimal notation: `1e-7` becomes `0.0000001`. */
export function formatDecimal(value: number): string {
  const text = String(value);
  const e = text.indexOf("e");
  if (e < 0) return text;
  const negative = value < 0;
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const point = mantissa.indexOf(".");
  const digits = point < 0 ? mantissa : mantissa.slice(0, point) + mantissa.slice(point + 1);
  const pointAt = (point < 0 ? mantissa.length : point) + exponent;
  let plain: string;
  if (pointAt <= 0) plain = "0." + "0".repeat(-pointAt) + digits;
  else if (pointAt >= digits.length) plain = digits + "0".repeat(pointAt - digits.length);
  else plain = digits.slice(0, pointAt) + "." + digits.slice(pointAt);
  return negative ? "-" + plain : plain;
}
