import assert from "node:assert/strict";
import { OvirtError } from "../transport/errors.ts";
import {
  countLineFeeds,
  decodeUtf8,
  SHORT_TEXT_LIMIT,
  shortAsciiText,
} from "../transport/xml/decode.ts";
import { bytes, seededRandom, splitEvery, splitRandomly, tokenize } from "./xml_test_utils.ts";

const RICH = `\ufeff<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!-- a comment - not really > -->
<?style sheet="x"?>
<root a="1" b='two "quoted"' c="x &amp; y &lt;&gt; &#65;&#x42;" d="tab\there
line">
  <empty/>
  <self a='&apos;'   />
  <text>caf\u00e9 \u65e5\u672c \u{1f600} &quot;q&quot; &#x1F600; &#233;</text>
  <cdata><![CDATA[<not> & a tag ]] >]]></cdata>
  <mixed>a<!-- gone -->b<?pi data?>c</mixed>
  <\u00e9l\u00e8ve attr\u00e9="\u00e0">x</\u00e9l\u00e8ve >
  <crlf>one\r\ntwo\rthree</crlf>
  <space> </space>
</root>
<!-- trailing comment -->
`;

const RICH_TOKENS = [
  '<root a="1" b="two \\"quoted\\"" c="x & y <> AB" d="tab here line">',
  "<empty/>",
  "</empty>",
  `<self a="'"/>`,
  "</self>",
  "<text>",
  JSON.stringify('caf\u00e9 \u65e5\u672c \u{1f600} "q" \u{1f600} \u00e9'),
  "</text>",
  "<cdata>",
  '"<not> & a tag ]] >"',
  "</cdata>",
  "<mixed>",
  '"a"',
  '"b"',
  '"c"',
  "</mixed>",
  '<\u00e9l\u00e8ve attr\u00e9="\u00e0">',
  '"x"',
  "</\u00e9l\u00e8ve>",
  "<crlf>",
  '"one\\ntwo\\nthree"',
  "</crlf>",
  "<space>",
  '" "',
  "</space>",
  "</root>",
];

Deno.test("tokenizer: a rich document gives the expected tokens", () => {
  assert.deepEqual(tokenize([bytes(RICH)]), RICH_TOKENS);
});

Deno.test("tokenizer: one byte at a time gives the same tokens", () => {
  assert.deepEqual(tokenize(splitEvery(bytes(RICH), 1)), RICH_TOKENS);
});

Deno.test("tokenizer: random splits give the same tokens", () => {
  const random = seededRandom(7);
  const data = bytes(RICH);
  for (let round = 0; round < 300; round++) {
    assert.deepEqual(tokenize(splitRandomly(data, random)), RICH_TOKENS);
  }
});

Deno.test("tokenizer: every split point of a multi-byte character works", () => {
  const data = bytes("<a x='\u{1f600}\u00e9'>\u{1f600}\u65e5</a>");
  for (let cut = 1; cut < data.length; cut++) {
    assert.deepEqual(tokenize([data.subarray(0, cut), data.subarray(cut)]), [
      '<a x="\u{1f600}\u00e9">',
      '"\u{1f600}\u65e5"',
      "</a>",
    ]);
  }
});

Deno.test("tokenizer: indentation between tags is dropped, other white space is kept", () => {
  assert.deepEqual(tokenize([bytes("<a>\n  <b> </b>\n  <c>x<!--c--> </c>\n</a>")]), [
    "<a>",
    "<b>",
    '" "',
    "</b>",
    "<c>",
    '"x"',
    '" "',
    "</c>",
    "</a>",
  ]);
});

Deno.test("tokenizer: white space after a self-closing child is indentation", () => {
  assert.deepEqual(tokenize([bytes("<a><b/> </a>")]), ["<a>", "<b/>", "</b>", "</a>"]);
});

function rejects(xml: string, pattern: RegExp, chunkSize = 0): void {
  const data = bytes(xml);
  const chunks = chunkSize > 0 ? splitEvery(data, chunkSize) : [data];
  assert.throws(() => tokenize(chunks), (error: unknown) => {
    assert.ok(error instanceof OvirtError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
}

Deno.test("tokenizer: errors name line and column", () => {
  rejects("<a>\n  <b>\n</a>", /line 3, column 1: <\/a> does not close <b>/);
  rejects("<a>\n  <b x=1/>\n</a>", /line 2, column 8: expected a quoted value/);
  rejects("<a>\n  <b x=1/>\n</a>", /line 2, column 8: expected a quoted value/, 1);
  rejects("<a>\u00e9\u00e9<</a>", /line 1, column 7: expected a name/);
});

Deno.test("tokenizer: errors deep into a streamed document name the exact line", () => {
  const lines = Array.from(
    { length: 4000 },
    (_, i) => `  <b n="${i}">caf\u00e9 ${"x".repeat(i % 97)}</b>`,
  );
  const xml = `<a>\n${lines.join("\n")}\n  <b>\u00e9\u00e9 <</b>\n</a>`;
  const random = seededRandom(7);
  for (
    const chunks of [[bytes(xml)], splitEvery(bytes(xml), 4093), splitRandomly(bytes(xml), random)]
  ) {
    assert.throws(() => tokenize(chunks), /line 4002, column 10: expected a name/);
  }
});

Deno.test("tokenizer: line feeds are counted exactly at any alignment", () => {
  const random = seededRandom(8);
  const data = new Uint8Array(5000).map(() => (random() < 0.2 ? 0x0a : Math.floor(random() * 256)));
  for (let round = 0; round < 300; round++) {
    const offset = Math.floor(random() * 64);
    const view = data.subarray(offset);
    const start = Math.floor(random() * 100);
    const end = start + Math.floor(random() * (view.length - start));
    let expected = 0;
    for (let i = start; i < end; i++) if (view[i] === 0x0a) expected++;
    assert.equal(countLineFeeds(view, start, end), expected, `${offset} ${start} ${end}`);
  }
});

Deno.test("tokenizer: text of every length decodes exactly, short ASCII or not", () => {
  const random = seededRandom(9);
  const alphabet = bytes("abcxyzABCXYZ0189-./:_ ~");
  for (let length = 0; length <= SHORT_TEXT_LIMIT + 8; length++) {
    const ascii = new Uint8Array(length + 6).map(() =>
      alphabet[Math.floor(random() * alphabet.length)]
    );
    const expected = String.fromCharCode(...ascii.subarray(3, 3 + length));
    if (length <= SHORT_TEXT_LIMIT) assert.equal(shortAsciiText(ascii, 3, 3 + length), expected);
    assert.equal(decodeUtf8(ascii, 3, 3 + length), expected);
    const text = "é".repeat(length >> 1) + "a".repeat(length & 1);
    assert.equal(decodeUtf8(bytes(`<${text}>`), 1, 1 + bytes(text).length), text);
    const tokens = tokenize([bytes(`<a b="${expected}">x${expected}</a>`)]);
    assert.deepEqual(tokens, [`<a b=${JSON.stringify(expected)}>`, `"x${expected}"`, "</a>"]);
  }
});

Deno.test("tokenizer: malformed documents are refused", () => {
  const cases: [string, RegExp][] = [
    ["", /no root element/],
    ["   ", /no root element/],
    ["<a>", /not closed/],
    ["<a><b></a>", /does not close/],
    ["<a></a><b/>", /second root/],
    ["x<a/>", /text outside the root/],
    ["<a/>x", /text outside the root/],
    ["<a b='1' b='2'/>", /duplicate attribute b/],
    ["<a b='1'c='2'/>", /expected white space/],
    ["<a b/>", /expected '='/],
    ["<a b='<'/>", /'<' is not allowed/],
    ["<a>&nbsp;</a>", /unknown or invalid reference/],
    ["<a>&#0;</a>", /unknown or invalid reference/],
    ["<a>&#xD800;</a>", /unknown or invalid reference/],
    ["<a>& b</a>", /must start a reference/],
    ["<a>x]]>y</a>", /']]>' is not allowed/],
    ["<a><!-- x -- y --></a>", /'--' is not allowed/],
    ["<a>\u0001</a>", /U\+0001 is not allowed/],
    ["<a><?xml version='1.0'?></a>", /only allowed at the start/],
    ["<1a/>", /expected a name/],
    ["<a></a >x", /text outside the root/],
    ["</a>", /unexpected end tag/],
    ["<a/ >", /expected '>'/],
    ["<![CDATA[x]]><a/>", /CDATA outside the root/],
    ["<a\u00a0/>", /invalid name/],
    ["<a>\u00e9", /not closed|unexpected end/],
  ];
  for (const [xml, pattern] of cases) {
    rejects(xml, pattern);
    rejects(xml, pattern, 1);
  }
});

Deno.test("tokenizer: DTDs and entity declarations are refused without expansion", () => {
  rejects('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', /DTDs and entity declarations/);
  rejects('<a><!ENTITY x "y"></a>', /DTDs and entity declarations/);
});

Deno.test("tokenizer: invalid UTF-8 in a value is refused", () => {
  const data = new Uint8Array([...bytes("<a>x"), 0xff, 0xfe, ...bytes("</a>")]);
  assert.throws(() => tokenize([data]), /invalid UTF-8/);
});

Deno.test("tokenizer: nesting deeper than the limit is refused", () => {
  const deep = (n: number) => "<a>".repeat(n) + "</a>".repeat(n);
  assert.equal(tokenize([bytes(deep(10))], { maxDepth: 10 }).length, 20);
  assert.throws(() => tokenize([bytes(deep(11))], { maxDepth: 10 }), /nested deeper than 10/);
  assert.throws(() => tokenize([bytes(deep(300))]), /nested deeper than 256/);
});

Deno.test("tokenizer: a token larger than the limit is refused", () => {
  const xml = `<a x="${"y".repeat(2000)}"/>`;
  assert.equal(tokenize([bytes(xml)], { maxTokenBytes: 4096 }).length, 2);
  assert.throws(() => tokenize([bytes(xml)], { maxTokenBytes: 1000 }), /larger than 1000 bytes/);
  assert.throws(
    () => tokenize(splitEvery(bytes(xml), 100), { maxTokenBytes: 1000 }),
    /larger than 1000 bytes/,
  );
  const text = `<a>${"y".repeat(2000)}</a>`;
  assert.throws(() => tokenize([bytes(text)], { maxTokenBytes: 1000 }), /larger than 1000 bytes/);
});
