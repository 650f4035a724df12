/**
 * A small YAML writer for the plain values the CLI prints (objects, arrays, strings,
 * numbers, booleans): block style, strings quoted whenever YAML could read them as
 * something else, with escapes for every character YAML does not take raw (controls, DEL,
 * C1, NEL, line and paragraph separators).
 *
 * @module
 */

/** `value` as a YAML document. */
export function toYaml(value: unknown): string {
  return lines(value, "").join("\n") + "\n";
}

function lines(value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}[]`];
    return value.flatMap((item) => {
      const inner = lines(item, `${indent}  `);
      if (isScalar(item) || isEmpty(item)) return [`${indent}- ${inner[0].trimStart()}`];
      return [`${indent}- ${inner[0].slice(indent.length + 2)}`, ...inner.slice(1)];
    });
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, member]) => member !== undefined);
    if (entries.length === 0) return [`${indent}{}`];
    return entries.flatMap(([key, member]) => {
      const name = `${indent}${scalar(key)}:`;
      if (isScalar(member) || isEmpty(member)) {
        return [`${name} ${lines(member, "")[0]}`];
      }
      return [name, ...lines(member, `${indent}  `)];
    });
  }
  return [`${indent}${scalar(value)}`];
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== "object";
}

function isEmpty(value: unknown): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value as object).length === 0;
}

const PLAIN = /^[A-Za-z_/][\w ./@()+-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

function scalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const text = String(value);
  if (PLAIN.test(text) && !RESERVED.test(text) && !/\s$/.test(text) && !text.includes(" #")) {
    return text;
  }
  return quoted(text);
}

/**
 * Characters JSON leaves as they are that a YAML double-quoted scalar must not hold raw: DEL,
 * the C1 controls, the line breaks of YAML 1.1 (NEL, LS, PS), U+FFFE and U+FFFF.
 */
const UNPRINTABLE = /[\u007f-\u009f\u2028\u2029\ufffe\uffff]/g;

/** `text` as a YAML double-quoted scalar: JSON's escapes, and YAML's for what JSON keeps. */
function quoted(text: string): string {
  return JSON.stringify(text).replace(UNPRINTABLE, (character) => {
    const code = character.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
