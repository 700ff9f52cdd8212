/* Hangul arithmetic for the static export's search: the JavaScript twin of indexer/hangul.py
 * and indexer/normalize.py. Both are held to tests/vectors/hangul.json (run by pytest for
 * Python and by Node for this file), so the two faces cannot drift apart.
 * No dependencies; works as a browser script (window.KBHangul) and as a CommonJS module.
 */
(function (root) {
  "use strict";
  const BASE = 0xac00;
  const LAST = 0xd7a3;
  const CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ";
  const JUNGSEONG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ";
  const JONGSEONG = ["", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ",
    "ㅁ", "ㅂ", "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ"];
  const COMPOUND_VOWELS = { "ㅘ": "ㅗㅏ", "ㅙ": "ㅗㅐ", "ㅚ": "ㅗㅣ", "ㅝ": "ㅜㅓ", "ㅞ": "ㅜㅔ", "ㅟ": "ㅜㅣ", "ㅢ": "ㅡㅣ" };
  const COMPOUND_FINALS = { "ㄳ": "ㄱㅅ", "ㄵ": "ㄴㅈ", "ㄶ": "ㄴㅎ", "ㄺ": "ㄹㄱ", "ㄻ": "ㄹㅁ", "ㄼ": "ㄹㅂ", "ㄽ": "ㄹㅅ",
    "ㄾ": "ㄹㅌ", "ㄿ": "ㄹㅍ", "ㅀ": "ㄹㅎ", "ㅄ": "ㅂㅅ" };
  const VOWEL_PAIRS = invert(COMPOUND_VOWELS);
  const FINAL_PAIRS = invert(COMPOUND_FINALS);
  const KEY_TO_JAMO = { q: "ㅂ", w: "ㅈ", e: "ㄷ", r: "ㄱ", t: "ㅅ", y: "ㅛ", u: "ㅕ", i: "ㅑ", o: "ㅐ", p: "ㅔ", a: "ㅁ",
    s: "ㄴ", d: "ㅇ", f: "ㄹ", g: "ㅎ", h: "ㅗ", j: "ㅓ", k: "ㅏ", l: "ㅣ", z: "ㅋ", x: "ㅌ", c: "ㅊ", v: "ㅍ", b: "ㅠ",
    n: "ㅜ", m: "ㅡ", Q: "ㅃ", W: "ㅉ", E: "ㄸ", R: "ㄲ", T: "ㅆ", O: "ㅒ", P: "ㅖ" };
  const JAMO_TO_KEY = invert(KEY_TO_JAMO);

  function invert(map) {
    const out = {};
    for (const [k, v] of Object.entries(map)) out[v] = k;
    return out;
  }

  function isSyllable(ch) {
    const c = ch.codePointAt(0);
    return c >= BASE && c <= LAST;
  }

  function isJamo(ch) {
    const c = ch.codePointAt(0);
    return c >= 0x3131 && c <= 0x3163;
  }

  function isHangul(ch) {
    return isSyllable(ch) || isJamo(ch);
  }

  /* A conjoining jamo (NFD, U+1100..) left over after NFC, in the compatibility form users type. */
  function toCompatJamo(ch) {
    const c = ch.codePointAt(0);
    if (c >= 0x1100 && c < 0x1100 + 19) return CHOSEONG[c - 0x1100];
    if (c >= 0x1161 && c < 0x1161 + 21) return JUNGSEONG[c - 0x1161];
    if (c >= 0x11a8 && c < 0x11a8 + 27) return JONGSEONG[c - 0x11a8 + 1];
    return ch;
  }

  function decompose(text, splitCompounds) {
    let out = "";
    for (const ch of text) {
      let parts;
      if (isSyllable(ch)) {
        const index = ch.codePointAt(0) - BASE;
        parts = [CHOSEONG[Math.floor(index / 588)], JUNGSEONG[Math.floor((index % 588) / 28)], JONGSEONG[index % 28]];
      } else {
        parts = [toCompatJamo(ch)];
      }
      for (let part of parts) {
        if (splitCompounds) part = COMPOUND_VOWELS[part] || COMPOUND_FINALS[part] || part;
        out += part;
      }
    }
    return out;
  }

  function initials(text) {
    let out = "";
    for (const ch of text) out += isSyllable(ch) ? CHOSEONG[Math.floor((ch.codePointAt(0) - BASE) / 588)] : ch;
    return out;
  }

  function isInitialsQuery(text) {
    const letters = Array.from(text).filter((ch) => !/\s/.test(ch));
    return letters.length >= 2 && letters.every((ch) => CHOSEONG.includes(ch));
  }

  function isVowel(ch) {
    return ch !== undefined && JUNGSEONG.includes(ch);
  }

  function syllable(initial, vowel, final) {
    const code = BASE + (CHOSEONG.indexOf(initial) * 21 + JUNGSEONG.indexOf(vowel)) * 28 + JONGSEONG.indexOf(final);
    return String.fromCodePoint(code);
  }

  /* Keystrokes of compatibility jamo -> syllables, as a 2-set IME assembles them. */
  function compose(jamo) {
    const keys = Array.from(jamo);
    const n = keys.length;
    let out = "";
    let i = 0;
    while (i < n) {
      const ch = keys[i];
      if (!CHOSEONG.includes(ch) || i + 1 >= n || !isVowel(keys[i + 1])) {
        if (isVowel(ch) && i + 1 < n && VOWEL_PAIRS[ch + keys[i + 1]]) {
          out += VOWEL_PAIRS[ch + keys[i + 1]];
          i += 2;
        } else {
          out += ch;
          i += 1;
        }
        continue;
      }
      const initial = ch;
      let vowel = keys[i + 1];
      i += 2;
      if (i < n && VOWEL_PAIRS[vowel + keys[i]]) {
        vowel = VOWEL_PAIRS[vowel + keys[i]];
        i += 1;
      }
      let final = "";
      if (i < n && JONGSEONG.includes(keys[i]) && keys[i] !== "" && !"ㄸㅃㅉ".includes(keys[i])) {
        if (!(i + 1 < n && isVowel(keys[i + 1]))) {
          final = keys[i];
          i += 1;
          if (i < n && FINAL_PAIRS[final + keys[i]] && !(i + 1 < n && isVowel(keys[i + 1]))) {
            final = FINAL_PAIRS[final + keys[i]];
            i += 1;
          }
        }
      }
      out += syllable(initial, vowel, final);
    }
    return out;
  }

  function latinToHangul(text) {
    let keys = "";
    for (const ch of text) keys += KEY_TO_JAMO[ch] || KEY_TO_JAMO[ch.toLowerCase()] || ch;
    return compose(keys);
  }

  function hangulToLatin(text) {
    let out = "";
    for (const j of decompose(text, true)) out += JAMO_TO_KEY[j] || j;
    return out;
  }

  function looksLikeWrongLayout(word) {
    if (!/^[A-Za-z]+$/.test(word)) return false;
    return Array.from(latinToHangul(word)).every(isSyllable);
  }

  /* Levenshtein distance over UTF-16 units (jamo are single units). With ``limit``, stops as soon as
     the distance must exceed it and returns limit + 1. */
  function levenshtein(a, b, limit = Infinity) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    let previous = new Array(b.length + 1);
    for (let j = 0; j <= b.length; j++) previous[j] = j;
    for (let i = 1; i <= a.length; i++) {
      const current = new Array(b.length + 1);
      current[0] = i;
      let rowMin = i;
      for (let j = 1; j <= b.length; j++) {
        const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
        current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
        if (current[j] < rowMin) rowMin = current[j];
      }
      if (rowMin > limit) return limit + 1;
      previous = current;
    }
    return previous[b.length];
  }

  function jamoDistance(a, b) {
    return levenshtein(decompose(a, true), decompose(b, true));
  }

  // ---------- normalization (indexer/normalize.py) ----------
  const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/gu;
  const CONTROL_ONLY = new RegExp("^(?:" + CONTROL.source + ")$", "u");
  // lone halves of UTF-16 pairs only (an emoji is a valid pair and stays)
  const SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

  function startsSegment(ch) {
    const c = ch.codePointAt(0);
    if ((c >= 0x1161 && c <= 0x11ff) || (c >= 0xd7b0 && c <= 0xd7ff)) return false;
    return !/\p{M}/u.test(ch);
  }

  /* NFKC per base character + what combines with it, lone conjoining jamo -> compatibility jamo,
     control characters -> space, lower case: as normalize() in Python. */
  function normalize(text, lower = true) {
    const chars = Array.from(text.replace(SURROGATE, " "));
    let out = "";
    let segment = "";
    const flush = () => {
      if (!segment) return;
      let normalized = segment.normalize("NFKC");
      const chars2 = Array.from(normalized);
      if (chars2.length === 1) {
        const c = normalized.codePointAt(0);
        if (c >= 0x1100 && c <= 0x11ff) normalized = toCompatJamo(normalized);
      }
      if (!normalized || CONTROL_ONLY.test(normalized)) normalized = " ";
      if (lower) normalized = normalized.toLowerCase();
      out += normalized;
      segment = "";
    };
    for (const ch of chars) {
      if (segment && startsSegment(ch)) flush();
      segment += ch;
    }
    flush();
    return out;
  }

  function normalizeQuery(text, maxLength = 200, lower = true) {
    let cleaned = (text || "").replace(CONTROL, " ").replace(SURROGATE, " ");
    cleaned = Array.from(cleaned).slice(0, maxLength * 2).join("");
    const spaced = normalize(cleaned, lower).replace(/\s+/gu, " ").trim();
    return Array.from(spaced).slice(0, maxLength).join("");
  }

  // ---------- segmentation of unspaced words against a lexicon (indexer/segment.py) ----------
  /* Cut a word typed without spaces into known pieces: 카드분실신고 -> 카드|분실|신고 (the twin of
     indexer/segment.py, same rules, same vectors). ``kind(text)`` is "content", "function" or null;
     ``endings`` (a Set) comes from indexer/segment.py through the export's meta.js.
     Returns [start, end] code-point pairs of the content pieces. */
  const MAX_PIECE = 10;

  function segment(word, kind, endings) {
    const chars = Array.from(word);
    const n = chars.length;
    const best = new Array(n + 1).fill(null);
    const greater = (a, b) => a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] > b[1] : a[2] > b[2];
    best[0] = { key: [0, 0, 0], prev: -1, content: false };
    let final = null;
    for (let i = 0; i < n; i++) {
      const state = best[i];
      if (!state) continue;
      const [covered, score, pieces] = state.key;
      if (!best[i + 1] || greater(state.key, best[i + 1].key)) best[i + 1] = { key: state.key, prev: i, content: false };
      for (let j = i + 1; j <= Math.min(n, i + MAX_PIECE); j++) {
        const what = kind(chars.slice(i, j).join(""));
        const size = j - i;
        if (!what || (what === "content" && size === 1 && !singleFits(chars, i, j, kind, endings))) continue;
        const gain = what === "content" && size >= 2 ? 2 * size * size : 0;
        const key = [covered + size, score + gain, pieces - 1];
        if (!best[j] || greater(key, best[j].key)) best[j] = { key, prev: i, content: what === "content" };
      }
      if (i > 0 && endings.has(chars.slice(i).join(""))) {
        const key = [covered + n - i, score + 1, pieces];
        if (!final || greater(key, final.key)) final = { key, at: i };
      }
    }
    let position = n;
    if (final && (!best[n] || greater(final.key, best[n].key))) position = final.at;
    const out = [];
    while (position > 0 && best[position]) {
      const { prev, content } = best[position];
      if (content) out.push([prev, position]);
      position = prev;
    }
    return out.reverse();
  }

  /* A one-character content piece: at a word's start, or at its end before nothing but an ending. */
  function singleFits(chars, i, j, kind, endings) {
    const rest = chars.slice(j).join("");
    return i === 0 || !rest || endings.has(rest) || kind(rest) === "function";
  }

  /* Whether known pieces and one closing ending cover all of ``word`` (else it may hold a typo). */
  function explained(word, kind, endings) {
    const chars = Array.from(word);
    const n = chars.length;
    const reach = new Array(n + 1).fill(false);
    reach[0] = true;
    for (let i = 0; i < n; i++) {
      if (!reach[i]) continue;
      if (i > 0 && endings.has(chars.slice(i).join(""))) return true;
      for (let j = i + 1; j <= Math.min(n, i + MAX_PIECE); j++) {
        const what = kind(chars.slice(i, j).join(""));
        if (what && !(what === "content" && j - i === 1 && !singleFits(chars, i, j, kind, endings))) reach[j] = true;
      }
    }
    return reach[n];
  }

  const api = {
    segment, explained,
    CHOSEONG, JUNGSEONG, JONGSEONG, isSyllable, isJamo, isHangul, toCompatJamo, decompose, initials,
    isInitialsQuery, compose, latinToHangul, hangulToLatin, looksLikeWrongLayout, levenshtein, jamoDistance,
    normalize, normalizeQuery,
  };
  root.KBHangul = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
