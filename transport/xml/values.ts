/**
 * Conversions between the text of XML values and their JavaScript form: booleans, integers,
 * decimals (never written with an exponent) and dates.
 *
 * @module
 */

/**
 * `text` without the XML white space (space, tab, CR, LF) around it; other white space
 * (a no-break space) is part of the value, as XML Schema's `collapse` keeps it.
 */
export function xmlTrim(text: string): string {
  let start = 0, end = text.length;
  while (start < end && isXmlSpace(text.charCodeAt(start))) start++;
  while (end > start && isXmlSpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function isXmlSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

/** `true`/`false`/`1`/`0`, any case, surrounding white space allowed; `undefined` otherwise. */
export function parseBoolean(text: string): boolean | undefined {
  if (text === "true") return true;
  if (text === "false") return false;
  const word = xmlTrim(text).toLowerCase();
  if (word === "true" || word === "1") return true;
  if (word === "false" || word === "0") return false;
  return undefined;
}

/**
 * A signed decimal integer (surrounding white space allowed): a `number` when it is a safe
 * integer (within ±(2^53 - 1)), an exact `bigint` beyond; `undefined` for anything else.
 */
export function parseInteger(text: string): number | bigint | undefined {
  const digits = xmlTrim(text);
  let i = digits.charCodeAt(0) === 0x2d || digits.charCodeAt(0) === 0x2b ? 1 : 0;
  if (i === digits.length) return undefined;
  for (; i < digits.length; i++) {
    const c = digits.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  const value = Number(digits) + 0; // + 0: "-0" is 0, not negative zero
  return Number.isSafeInteger(value) ? value : BigInt(digits);
}

/**
 * A decimal number: sign, digits with an optional fraction, and (accepted defensively) an
 * exponent; surrounding white space allowed; `undefined` otherwise, and for a value beyond
 * the range of a `number` (`1e999`).
 */
export function parseDecimal(text: string): number | undefined {
  const number = xmlTrim(text);
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
  if (i !== length) return undefined;
  const value = Number(number) + 0; // + 0: "-0.0" is 0, not negative zero
  return Number.isFinite(value) ? value : undefined; // `1e999`: no number a writer sends back
}

function skipDigits(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  return i;
}

/** The bytes of the date {@link parseDate} reads, reused (a longer one gets its own). */
const DATE_BYTES = new Uint8Array(64);

/**
 * An `xs:dateTime` such as `2016-12-12T23:07:29.758+02:00`: a fraction of any length or
 * none, `Z`, `+hh:mm`, `-hh:mm` or no zone (taken as UTC). `undefined` when invalid.
 */
export function parseDate(text: string): Date | undefined {
  const date = xmlTrim(text);
  const bytes = date.length <= DATE_BYTES.length ? DATE_BYTES : new Uint8Array(date.length);
  for (let i = 0; i < date.length; i++) {
    const c = date.charCodeAt(i);
    if (c >= 0x80) return undefined;
    bytes[i] = c;
  }
  const time = dateFromBytes(bytes, 0, date.length);
  return time === time ? new Date(time) : undefined;
}

/**
 * {@link parseDate} of the ASCII bytes `buf[start, end)`, without surrounding white space:
 * the time in milliseconds since the epoch, NaN when invalid. Plain arithmetic on the
 * digits (two at a time), with no floating-point division.
 */
export function dateFromBytes(buf: Uint8Array, start: number, end: number): number {
  if (
    end - start < 19 || buf[start + 4] !== 0x2d || buf[start + 7] !== 0x2d ||
    buf[start + 10] !== 0x54 || buf[start + 13] !== 0x3a || buf[start + 16] !== 0x3a
  ) return NaN;
  const century = twoDigits(buf, start), yearOfCentury = twoDigits(buf, start + 2);
  const month = twoDigits(buf, start + 5), day = twoDigits(buf, start + 8);
  const hour = twoDigits(buf, start + 11), minute = twoDigits(buf, start + 14);
  const second = twoDigits(buf, start + 17);
  const year = century * 100 + yearOfCentury;
  const leap = (year & 3) === 0 && (yearOfCentury !== 0 || (century & 3) === 0);
  if (
    century > 99 || yearOfCentury > 99 || month < 1 || month > 12 || day < 1 || hour > 23 ||
    minute > 59 || second > 59 || day > (month === 2 ? (leap ? 29 : 28) : MONTH_DAYS[month])
  ) return NaN;
  let i = start + 19;
  let millisecond = 0;
  if (i < end && buf[i] === 0x2e) {
    const fractionStart = ++i;
    while (i < end && buf[i] - 0x30 >>> 0 <= 9) i++;
    const digits = i - fractionStart;
    if (digits === 0) return NaN;
    millisecond = (buf[fractionStart] - 0x30) * 100;
    if (digits > 1) millisecond += (buf[fractionStart + 1] - 0x30) * 10;
    if (digits > 2) millisecond += buf[fractionStart + 2] - 0x30;
  }
  let offsetMinutes = 0;
  if (i < end) {
    const sign = buf[i];
    if ((sign === 0x2b || sign === 0x2d) && i + 6 === end && buf[i + 3] === 0x3a) {
      const hours = twoDigits(buf, i + 1), minutes = twoDigits(buf, i + 4);
      if (hours > 14 || minutes > 59) return NaN;
      offsetMinutes = sign === 0x2b ? hours * 60 + minutes : -(hours * 60 + minutes);
    } else if (sign !== 0x5a || i + 1 !== end) {
      return NaN;
    }
  }
  // Days since 1970-01-01: 365 a year since the year 0, a day for each leap year before this
  // one (the year 0 is one), and this year's days before the date.
  const before = year - 1;
  const leapDays = before < 0 ? 0 : (before >> 2) - ((before / 100) | 0) + ((before / 400) | 0) + 1;
  const days = year * 365 + leapDays - DAYS_TO_EPOCH + DAYS_BEFORE_MONTH[month] +
    (leap && month > 2 ? 1 : 0) + day - 1;
  return ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 +
    millisecond;
}

/** Days from 0000-01-01 to 1970-01-01 (proleptic Gregorian). */
const DAYS_TO_EPOCH = 719_528;
/** Days of each month (1 to 12; February in a common year). */
const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Days of a common year before each month (1 to 12). */
const DAYS_BEFORE_MONTH = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/** The two digits at `buf[i]` as a number; 100 when either is not a digit. */
function twoDigits(buf: Uint8Array, i: number): number {
  const high = buf[i] - 0x30, low = buf[i + 1] - 0x30;
  return high >>> 0 > 9 || low >>> 0 > 9 ? 100 : high * 10 + low;
}

/**
 * {@link parseInteger} of undecorated ASCII bytes, the usual case: an optional sign and at
 * most 15 digits (exact in a double). NaN for anything else, to be read as text instead.
 */
export function integerFromBytes(buf: Uint8Array, start: number, end: number): number {
  const sign = buf[start];
  let i = sign === 0x2d || sign === 0x2b ? start + 1 : start;
  if (i === end || end - i > 15) return NaN;
  let value = 0;
  for (; i < end; i++) {
    const digit = buf[i] - 0x30;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return sign === 0x2d ? 0 - value : value; // 0 - 0 is 0, not negative zero
}

/**
 * {@link parseBoolean} of the bytes spelling exactly `true` (1) or `false` (0); -1 for
 * anything else, to be read as text instead.
 */
export function booleanFromBytes(buf: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (
    length === 4 && buf[start] === 0x74 && buf[start + 1] === 0x72 && buf[start + 2] === 0x75 &&
    buf[start + 3] === 0x65
  ) return 1;
  if (
    length === 5 && buf[start] === 0x66 && buf[start + 1] === 0x61 && buf[start + 2] === 0x6c &&
    buf[start + 3] === 0x73 && buf[start + 4] === 0x65
  ) return 0;
  return -1;
}

/**
 * An integer in plain digits (`String` would round past 2^53 and use an exponent from 1e21
 * on); a `bigint` exactly, whatever its size.
 */
export function formatInteger(value: number | bigint): string {
  // Past 2^53 a number's shortest text is not its value (2^60 prints 1152921504606847000).
  return typeof value === "bigint" || Number.isSafeInteger(value)
    ? String(value)
    : BigInt(value).toString();
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
