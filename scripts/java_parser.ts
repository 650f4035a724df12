/**
 * A small parser for the Java subset the oVirt API model is written in: one
 * top-level `interface` or `enum` per file, annotations, nested interfaces and
 * parameterless (or single-parameter) method declarations. Comments, `package`
 * and `import` lines and `default` method bodies are skipped.
 *
 * @module
 */

/** A model file the parser cannot read; the message names file, line and column. */
export class ModelParseError extends Error {
  /** Creates the error for `file` at `line`:`column`. */
  constructor(file: string, line: number, column: number, problem: string) {
    super(`${file}:${line}:${column}: ${problem}`);
    this.name = "ModelParseError";
  }
}

/** A type reference such as `Vm` or `Vm[]` (qualified names reduced to the simple name). */
export interface JavaType {
  /** Simple name, e.g. `Vm`, `String`. */
  name: string;
  /** Whether it is an array (`X[]`). */
  list: boolean;
}

/** An annotation such as `@Link` or `@Area("Storage")` (arguments are not kept). */
export interface JavaAnnotation {
  /** Name without `@`, e.g. `Link`. */
  name: string;
}

/** A method declaration inside an interface. */
export interface JavaMethod {
  /** Discriminator. */
  kind: "method";
  /** Annotations before the declaration. */
  annotations: JavaAnnotation[];
  /** Declared result type. */
  type: JavaType;
  /** Method name as written (may have `_` around it). */
  name: string;
  /** Declared parameters. */
  parameters: { type: JavaType; name: string }[];
  /** Whether this is a `default` method (its body is skipped). */
  isDefault: boolean;
  /** Line of the declaration. */
  line: number;
}

/** An interface declaration (top-level or nested). */
export interface JavaInterface {
  /** Discriminator. */
  kind: "interface";
  /** Annotations before the declaration. */
  annotations: JavaAnnotation[];
  /** Interface name. */
  name: string;
  /** Simple names of the extended interfaces. */
  extends: string[];
  /** Declarations in the body, in order. */
  members: (JavaMethod | JavaInterface)[];
  /** Line of the declaration. */
  line: number;
}

/** An enum declaration. */
export interface JavaEnum {
  /** Discriminator. */
  kind: "enum";
  /** Annotations before the declaration. */
  annotations: JavaAnnotation[];
  /** Enum name. */
  name: string;
  /** Constants in order, with their annotations and lines. */
  constants: { name: string; annotations: JavaAnnotation[]; line: number }[];
  /** Line of the declaration. */
  line: number;
}

/** An annotation type declaration (`public @interface Area`): documentation only. */
export interface JavaAnnotationType {
  /** Discriminator. */
  kind: "annotation-type";
  /** Declared name. */
  name: string;
}

/** What one model file declares. */
export type JavaDeclaration = JavaInterface | JavaEnum | JavaAnnotationType;

interface Token {
  kind: "word" | "symbol" | "string";
  text: string;
  line: number;
  column: number;
}

const SYMBOLS = new Set(["{", "}", "(", ")", ";", ",", ".", "[", "]", "@", "=", "*"]);

function isWordChar(ch: string): boolean {
  return /[A-Za-z0-9_$]/.test(ch);
}

function tokenize(file: string, source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const fail = (problem: string): never => {
    throw new ModelParseError(file, line, i - lineStart + 1, problem);
  };
  while (i < source.length) {
    const ch = source[i];
    if (ch === "\n") {
      i++;
      line++;
      lineStart = i;
    } else if (ch === " " || ch === "\t" || ch === "\r") {
      i++;
    } else if (source.startsWith("//", i)) {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (source.startsWith("/*", i)) {
      const end = source.indexOf("*/", i + 2);
      if (end < 0) fail("unterminated comment");
      for (let j = i; j < end; j++) {
        if (source[j] === "\n") {
          line++;
          lineStart = j + 1;
        }
      }
      i = end + 2;
    } else if (ch === '"') {
      const start = i;
      const column = i - lineStart + 1;
      i++;
      while (i < source.length && source[i] !== '"') {
        if (source[i] === "\n") fail("unterminated string");
        i += source[i] === "\\" ? 2 : 1;
      }
      if (i >= source.length) fail("unterminated string");
      i++;
      tokens.push({ kind: "string", text: source.slice(start, i), line, column });
    } else if (isWordChar(ch)) {
      const start = i;
      while (i < source.length && isWordChar(source[i])) i++;
      tokens.push({
        kind: "word",
        text: source.slice(start, i),
        line,
        column: start - lineStart + 1,
      });
    } else if (SYMBOLS.has(ch)) {
      tokens.push({ kind: "symbol", text: ch, line, column: i - lineStart + 1 });
      i++;
    } else {
      fail(`unexpected character ${JSON.stringify(ch)}`);
    }
  }
  return tokens;
}

class Parser {
  #pos = 0;
  constructor(readonly file: string, readonly tokens: Token[]) {}

  fail(problem: string, token = this.tokens[this.#pos]): never {
    const last = this.tokens[this.tokens.length - 1];
    const at = token ?? last ?? { line: 1, column: 1 };
    const found = token ? `found ${JSON.stringify(token.text)}` : "found end of file";
    throw new ModelParseError(this.file, at.line, at.column, `${problem}, ${found}`);
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.#pos + offset];
  }

  is(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token !== undefined && token.kind !== "string" && token.text === text;
  }

  take(text: string): Token {
    if (!this.is(text)) this.fail(`expected ${JSON.stringify(text)}`);
    return this.tokens[this.#pos++];
  }

  word(what: string): Token {
    const token = this.peek();
    if (!token || token.kind !== "word") this.fail(`expected ${what}`);
    this.#pos++;
    return token;
  }

  /** `a.b.c` → `c` */
  qualifiedName(what: string): string {
    let name = this.word(what).text;
    while (this.is(".") && this.peek(1)?.kind === "word") {
      this.#pos++;
      name = this.word(what).text;
    }
    return name;
  }

  skipBalanced(open: string, close: string): void {
    this.take(open);
    let depth = 1;
    while (depth > 0) {
      const token = this.peek();
      if (!token) this.fail(`expected ${JSON.stringify(close)}`);
      if (token.kind === "symbol" && token.text === open) depth++;
      if (token.kind === "symbol" && token.text === close) depth--;
      this.#pos++;
    }
  }

  skipStatement(): void {
    while (!this.is(";")) {
      if (!this.peek()) this.fail('expected ";"');
      this.#pos++;
    }
    this.#pos++;
  }

  annotations(): JavaAnnotation[] {
    const result: JavaAnnotation[] = [];
    while (this.is("@") && !this.is("interface", 1)) {
      this.#pos++;
      result.push({ name: this.qualifiedName("annotation name") });
      if (this.is("(")) this.skipBalanced("(", ")");
    }
    return result;
  }

  type(): JavaType {
    const name = this.qualifiedName("type name");
    let list = false;
    if (this.is("[")) {
      this.take("[");
      this.take("]");
      list = true;
    }
    return { name, list };
  }

  parseFile(): JavaDeclaration {
    while (this.is("package") || this.is("import")) this.skipStatement();
    const annotations = this.annotations();
    if (this.is("public")) this.#pos++;
    let declaration: JavaDeclaration;
    if (this.is("@") && this.is("interface", 1)) {
      this.#pos += 2;
      declaration = { kind: "annotation-type", name: this.word("annotation type name").text };
      this.skipBalanced("{", "}");
    } else if (this.is("enum")) {
      declaration = this.enumDeclaration(annotations);
    } else if (this.is("interface")) {
      declaration = this.interfaceDeclaration(annotations);
    } else {
      this.fail('expected "interface" or "enum"');
    }
    if (this.peek()) this.fail("expected end of file");
    return declaration;
  }

  enumDeclaration(annotations: JavaAnnotation[]): JavaEnum {
    const line = this.take("enum").line;
    const name = this.word("enum name").text;
    this.take("{");
    const constants: JavaEnum["constants"] = [];
    while (!this.is("}") && !this.is(";")) {
      const constantAnnotations = this.annotations();
      const constant = this.word("enum constant");
      constants.push({
        name: constant.text,
        annotations: constantAnnotations,
        line: constant.line,
      });
      if (!this.is(",")) break;
      this.take(",");
    }
    if (this.is(";")) this.take(";");
    this.take("}");
    return { kind: "enum", annotations, name, constants, line };
  }

  interfaceDeclaration(annotations: JavaAnnotation[]): JavaInterface {
    const line = this.take("interface").line;
    const name = this.word("interface name").text;
    const extended: string[] = [];
    if (this.is("extends")) {
      this.take("extends");
      extended.push(this.qualifiedName("extended interface"));
      while (this.is(",")) {
        this.take(",");
        extended.push(this.qualifiedName("extended interface"));
      }
    }
    this.take("{");
    const members: (JavaMethod | JavaInterface)[] = [];
    while (!this.is("}")) {
      if (!this.peek()) this.fail('expected "}"');
      members.push(this.member());
    }
    this.take("}");
    return { kind: "interface", annotations, name, extends: extended, members, line };
  }

  member(): JavaMethod | JavaInterface {
    const annotations = this.annotations();
    if (this.is("public")) this.#pos++;
    if (this.is("interface")) return this.interfaceDeclaration(annotations);
    const isDefault = this.is("default");
    if (isDefault) this.#pos++;
    const line = this.peek()?.line ?? 0;
    const type = this.type();
    const name = this.word("method name").text;
    this.take("(");
    const parameters: JavaMethod["parameters"] = [];
    while (!this.is(")")) {
      const parameterType = this.type();
      parameters.push({ type: parameterType, name: this.word("parameter name").text });
      if (!this.is(")")) this.take(",");
    }
    this.take(")");
    if (isDefault) this.skipBalanced("{", "}");
    else this.take(";");
    return { kind: "method", annotations, type, name, parameters, isDefault, line };
  }
}

/** Parses one model file; `file` is only used in error messages. */
export function parseJavaFile(file: string, source: string): JavaDeclaration {
  return new Parser(file, tokenize(file, source)).parseFile();
}
