// Run tests/vectors/hangul.json against site/static/hangul.js (the Python side runs in pytest).
// usage: node tests/js/vectors.js VECTORS.json ENDINGS.json   -> prints failures, exit 1 if any
"use strict";
const fs = require("fs");
const path = require("path");
const H = require(path.resolve(__dirname, "../../site/static/hangul.js"));

const vectors = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const endings = new Set(JSON.parse(fs.readFileSync(process.argv[3], "utf8")));
const failures = [];
let checked = 0;

function check(name, input, got, expected) {
  checked++;
  if (JSON.stringify(got) !== JSON.stringify(expected)) failures.push(`${name}(${JSON.stringify(input)}) = ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
}

for (const [text, expected] of vectors.latin_to_hangul) check("latinToHangul", text, H.latinToHangul(text), expected);
for (const [text, expected] of vectors.hangul_to_latin) check("hangulToLatin", text, H.hangulToLatin(text), expected);
for (const [text, expected] of vectors.decompose) check("decompose", text, H.decompose(text), expected);
for (const [text, expected] of vectors.initials) check("initials", text, H.initials(text), expected);
for (const [a, b, expected] of vectors.jamo_distance) check("jamoDistance", [a, b], H.jamoDistance(a, b), expected);
for (const [text, expected] of vectors.normalize) check("normalize", text, H.normalize(text), expected);
for (const [text, expected] of vectors.normalize_query) check("normalizeQuery", text, H.normalizeQuery(text), expected);
const lexicon = vectors.segment.lexicon;
const kind = (s) => lexicon[s] || null;
for (const [word, expected] of vectors.segment.cases) {
  const letters = Array.from(word);
  check("segment", word, H.segment(word, kind, endings).map(([s, e]) => letters.slice(s, e).join("")), expected);
}
for (const [word, expected] of vectors.explained || []) check("explained", word, H.explained(word, kind, endings), expected);
for (const [word, expected] of vectors.looks_like_wrong_layout || []) check("looksLikeWrongLayout", word, H.looksLikeWrongLayout(word), expected);

for (const failure of failures) console.log(failure);
console.log(`${checked - failures.length}/${checked} vectors pass in Node`);
process.exit(failures.length ? 1 : 0);
