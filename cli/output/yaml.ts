/**
 * A small YAML writer for the plain values the CLI prints (objects, arrays, strings,
 * numbers, booleans): block style, strings quoted whenever YAML could read them as
 * something else.
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
  return JSON.stringify(text);
}
