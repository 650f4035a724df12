/**
 * The ASCII codes the XML readers look for in the bytes.
 *
 * @module
 */

/** `<` */
export const LT = 0x3c;
/** `>` */
export const GT = 0x3e;
/** `/` */
export const SLASH = 0x2f;
/** `&` */
export const AMP = 0x26;
/** `!` */
export const BANG = 0x21;
/** `?` */
export const QUESTION = 0x3f;
/** `=` */
export const EQUALS = 0x3d;
/** `"` */
export const DQUOTE = 0x22;
/** `'` */
export const SQUOTE = 0x27;
/** `-` */
export const DASH = 0x2d;
/** `]` */
export const RBRACKET = 0x5d;
/** `;` */
export const SEMICOLON = 0x3b;
/** Carriage return. */
export const CR = 0x0d;
/** Line feed. */
export const LF = 0x0a;
/** Tab. */
export const TAB = 0x09;
