/* The static export's search: the live engine's query plan and scores, in the browser.
 *
 * No analyzer runs here. `kb export` wrote what Kiwi and the live build know as small script
 * shards (kb/export_search.py): term postings with their field-weighted BM25F weights, a
 * lexicon of surface forms, the typo vocabulary, 초성 readings and documents. A query is
 * planned as indexer/query.py plans it (normalize -> keyboard layout -> 초성 -> segment ->
 * typo -> synonyms -> bigrams), scored from the same weights, and returned in the live API's
 * JSON shape, so site/static/search.js renders it exactly as it renders /api/search.
 * Shards are loaded with <script> tags (fetch is blocked on file://), only those a query needs.
 */
(function (root) {
  "use strict";
  const H = root.KBHangul || (typeof require !== "undefined" ? require("./hangul.js") : null);
  const SNIPPET_CHARS = 110;

  function fnv1a(text) {
    let h = 2166136261;
    for (const ch of text) {
      h ^= ch.codePointAt(0);
      h = Math.imul(h, 16777619) >>> 0;
    }
    return h;
  }

  const chars = (text) => Array.from(text);
  const isSyllableWord = (word) => chars(word).every(H.isSyllable);
  const unique = (items) => Array.from(new Set(items));

  function createEngine(meta, load) {
    const cache = new Map();
    const endings = new Set(meta.endings);
    const lexicon = new Map(); // surface -> [term, df], from every lexicon shard loaded so far
    const postings = new Map(); // "t"+term or "g"+gram -> [docs, weights] (from loaded shards)
    const documents = new Map();

    function shard(kind, number) {
      const key = kind + number;
      if (!cache.has(key)) {
        cache.set(key, Promise.resolve(load(kind, number)).then((data) => {
          if (kind === "l") for (const [k, v] of Object.entries(data)) lexicon.set(k, v);
          if (kind === "t") for (const [k, v] of Object.entries(data)) postings.set(k, v);
          return data;
        }));
      }
      return cache.get(key);
    }

    const lexiconShard = (ch) => shard("l", fnv1a(ch) % meta.shards.l);

    /* Load the lexicon shards for every character of ``texts`` (each possible piece start). */
    function needLexicon(texts) {
      const wanted = new Set();
      for (const text of texts) for (const ch of text) if (!/\s/.test(ch)) wanted.add(fnv1a(ch) % meta.shards.l);
      return Promise.all(Array.from(wanted, (n) => shard("l", n)));
    }

    function needPostings(keys) {
      const wanted = new Set(keys.map((k) => fnv1a(k) % meta.shards.t));
      return Promise.all(Array.from(wanted, (n) => shard("t", n)));
    }

    const known = (surface) => lexicon.has(surface);
    // a compound the index holds whole (entry[2]) is not a piece: the query is cut into its parts
    const kind = (surface) => {
      const entry = lexicon.get(surface);
      return entry && !entry[2] ? (entry[0] ? "content" : "function") : null;
    };

    /* The terms of ``text`` as the lexicon reads them, with where each word's content ends. */
    function analyze(text) {
      const terms = [];
      const spans = [];
      const pieces = []; // where each term sits (word, code points, first/last of it): for compounds
      for (const [w, word] of text.split(" ").entries()) {
        if (!word) continue;
        const letters = chars(word);
        const found = H.segment(word, kind, endings);
        found.forEach(([start, end], i) => {
          const term = lexicon.get(letters.slice(start, end).join(""))[0];
          terms.push(term);
          pieces.push({ term, word: w, start, end, text: letters, first: i === 0 && start === 0,
            last: i === found.length - 1 && end === letters.length });
        });
        if (found.length) spans.push(letters.slice(0, found[found.length - 1][1]).join(""));
        else if (!letters.some(H.isSyllable)) spans.push(word);
        else spans.push(word); // an unknown Korean word still gets its bigrams (typos, new words)
      }
      return { terms, spans, pieces };
    }

    // ---------- typo repair against the exported vocabulary (indexer/typo.py) ----------
    const spelled = new Map(); // word -> correction (or null): typing repeats the same words
    const byLength = new Map(); // vocabulary shard -> Map(jamo length -> [[word, df, jamo], ...])

    function vocabularyByLength(initial, vocabulary) {
      if (!byLength.has(initial)) {
        const buckets = new Map();
        for (const [word, df] of Object.entries(vocabulary)) {
          const jamo = H.decompose(word, true);
          if (!buckets.has(jamo.length)) buckets.set(jamo.length, []);
          buckets.get(jamo.length).push([word, df, jamo]);
        }
        byLength.set(initial, buckets);
      }
      return byLength.get(initial);
    }

    /* The best known word within one jamo edit (two for 3+ syllables): indexer/typo.Speller.correct.
       Only words of the same first consonant are compared (the vocabulary is sharded by it), and
       only those whose jamo length is within reach of the word's. */
    async function speller(word) {
      if (spelled.has(word)) return spelled.get(word);
      let answer = null;
      const size = chars(word).length;
      if (size >= 2 && isSyllableWord(word) && !known(word)) {
        const initial = Math.floor((word.codePointAt(0) - 0xac00) / 588);
        if (meta.vocabulary_initials.includes(initial)) {
          const buckets = vocabularyByLength(initial, await shard("v", initial));
          const limit = size <= 2 ? 1 : 2;
          const target = H.decompose(word, true);
          let best = null;
          for (let length = target.length - limit; length <= target.length + limit; length++) {
            for (const [candidate, df, jamo] of buckets.get(length) || []) {
              if (Math.abs(chars(candidate).length - size) > 1) continue;
              const distance = H.levenshtein(target, jamo, limit);
              if (distance > limit) continue;
              const key = [distance, -df, candidate];
              if (!best || key[0] < best[0] || (key[0] === best[0] && (key[1] < best[1] ||
                  (key[1] === best[1] && key[2] < best[2])))) best = key;
            }
          }
          answer = best ? best[2] : null;
        }
      }
      spelled.set(word, answer);
      return answer;
    }

    /* A known stem and then only syllables that endings are made of (무르 + 기), or such syllables
       alone (가려는데): a real word in a form the articles never used, not a typo (Kiwi's dictionary
       tells the live search). */
    const endingSyllables = new Set(chars(meta.ending_syllables || ""));
    function looksInflected(letters) {
      if (letters.length >= 3 && letters.every((ch) => endingSyllables.has(ch))) return true; // 가려는데
      for (let cut = letters.length - 1; cut >= Math.max(1, letters.length - 4); cut--) {
        if (!letters.slice(cut).every((ch) => endingSyllables.has(ch))) break;
        const stem = letters.slice(0, cut).join("");
        const found = H.segment(stem, kind, endings);
        if (found.length && H.explained(stem, kind, endings) && found[found.length - 1][1] === cut) return true;
      }
      return false;
    }

    /* indexer/query.correct_word without Kiwi: a word the lexicon cannot cover is a typo candidate. */
    async function correctWord(word) {
      const letters = chars(word);
      if (letters.length < 2 || !isSyllableWord(word) || known(word)) return null;
      // a typo leaves part of the word unexplained, or leaves no content in it at all (도닌 = 도 + 닌),
      // or cuts a two-syllable word into one-syllable scraps (면재 = 면 + 재)
      const pieces = H.segment(word, kind, endings);
      const scraps = letters.length === 2 && pieces.every(([s, e]) => e - s === 1);
      if (H.explained(word, kind, endings) && pieces.length && !scraps) return null;
      if (looksInflected(letters)) return null;
      for (let cut = 0; cut < Math.min(3, letters.length - 1); cut++) {
        const stem = letters.slice(0, letters.length - cut).join("");
        const rest = letters.slice(letters.length - cut).join("");
        const replacement = await speller(stem);
        if (replacement) return replacement + rest;
      }
      return resegment(word);
    }

    async function resegment(word) {
      const letters = chars(word);
      const out = [];
      let i = 0;
      let changed = false;
      while (i < letters.length) {
        let matched = false;
        for (let j = letters.length; j > i + 1; j--) {
          if (kind(letters.slice(i, j).join("")) === "content") {
            out.push(letters.slice(i, j).join(""));
            i = j;
            matched = true;
            break;
          }
        }
        if (matched) continue;
        for (const size of [4, 3, 2]) {
          const fixed = i + size <= letters.length ? await speller(letters.slice(i, i + size).join("")) : null;
          if (fixed) {
            out.push(fixed);
            i += size;
            changed = matched = true;
            break;
          }
        }
        if (!matched) out.push(letters[i++]);
      }
      return changed ? out.join("") : null;
    }

    // ---------- sound-alike spellings searched as the common word (indexer/typo.Speller.is_certain) ----------
    const SAME_SOUND = [[1, 5], [3, 7], [10, 15, 11]]; // ㅐㅔ, ㅒㅖ, ㅙㅞㅚ (vowel numbers)
    const documentFrequency = (word) => {
      const entry = lexicon.get(word);
      return entry && entry[0] === word ? entry[1] : 0; // every vocabulary word is its own surface
    };

    function soundAlike(word) {
      let variants = [""];
      for (const ch of chars(word)) {
        const index = ch.codePointAt(0) - 0xac00;
        const vowel = Math.floor((index % 588) / 28);
        const group = SAME_SOUND.find((g) => g.includes(vowel)) || [vowel];
        const options = group.map((v) => String.fromCodePoint(0xac00 + index + (v - vowel) * 28));
        variants = variants.flatMap((prefix) => options.map((o) => prefix + o)).slice(0, 32);
      }
      return variants.filter((v) => v !== word);
    }

    /* 결재 -> 결제: a word the articles never use whose same-sounding spelling is common in them. */
    async function certainFix(word) {
      const letters = chars(word);
      if (letters.length < 2 || !isSyllableWord(word) || documentFrequency(word)) return null;
      let fixed = letters.slice();
      let changed = false;
      for (const [start, end] of H.segment(word, kind, endings).reverse()) {
        const surface = letters.slice(start, end).join("");
        if (end - start < 2 || lexicon.get(surface)[0] !== surface || documentFrequency(surface)) continue;
        const variants = soundAlike(surface);
        await needLexicon(variants.map((v) => chars(v)[0]));
        const best = variants.filter((v) => documentFrequency(v) >= meta.common)
          .sort((a, b) => documentFrequency(b) - documentFrequency(a) || (a < b ? -1 : 1))[0];
        if (best) {
          fixed = fixed.slice(0, start).concat(chars(best), fixed.slice(end));
          changed = true;
        }
      }
      return changed ? fixed.join("") : null;
    }

    // ---------- keyboard layout and 초성 ----------
    async function fixLayout(text) {
      const words = text.split(" ");
      const converted = words.map((w) => (H.looksLikeWrongLayout(w) ? H.latinToHangul(w) : null));
      await needLexicon(words.map((w, i) => (converted[i] ? w.toLowerCase() + converted[i] : "")));
      let changed = false;
      const out = words.map((word, i) => {
        if (converted[i] && !known(word.toLowerCase())) {
          const pieces = H.segment(converted[i], kind, endings);
          const letters = chars(converted[i]);
          if (pieces.some(([s, e]) => chars(lexicon.get(letters.slice(s, e).join(""))[0]).length >= 2)) {
            changed = true;
            return converted[i];
          }
        }
        return word.toLowerCase();
      });
      return changed ? out.join(" ") : null;
    }

    async function decodeInitials(text) {
      const needle = text.split(/\s+/).join("");
      if (!H.isInitialsQuery(needle)) return null;
      const table = await shard("i", fnv1a(chars(needle).slice(0, 2).join("")) % meta.shards.i);
      return table[needle] || null;
    }

    /* A word still being composed (분ㅅ, 카ㄷ): the commonest known word it is the start of. */
    function complete(word) {
      const target = H.decompose(word, true);
      let best = null;
      for (const [surface, [term, df]] of lexicon) {
        if (!term || !surface.startsWith(chars(word)[0]) || chars(surface).length < 2) continue;
        if (!H.decompose(surface, true).startsWith(target) || surface === word) continue;
        if (!best || df > best[1] || (df === best[1] && surface < best[0])) best = [surface, df, term];
      }
      return best ? best[0] : null;
    }

    /* indexer/query.find_compounds: pieces written together (선결제하기 -> 선결제) or neighbouring
       words (분실 신고 -> 분실신고) that the index holds as one term. */
    async function findCompounds(pieces, terms) {
      const found = [];
      let run = [];
      const closeRun = () => {
        if (run.length >= 2) found.push(run[0].text.slice(run[0].start, run[run.length - 1].end).join(""));
        run = [];
      };
      pieces.forEach((piece, i) => {
        const previous = pieces[i - 1];
        if (previous && previous.word === piece.word && previous.end === piece.start) run.push(piece);
        else {
          closeRun();
          run = [piece];
        }
        const apart = previous && previous.word + 1 === piece.word && previous.last && piece.first;
        if (previous && (apart || (previous.word === piece.word && previous.end === piece.start))) {
          found.push(previous.term + piece.term);
        }
      });
      closeRun();
      const seen = new Set(terms);
      const candidates = unique(found).filter((c) => !seen.has(c));
      await needPostings(candidates.map((c) => "t" + c));
      return candidates.filter((c) => postings.has("t" + c));
    }

    function weightOf(term) {
      const row = postings.get("t" + term);
      return row ? (row.length > 2 ? row[2] : 1) : meta.weights.unseen;
    }

    // ---------- the plan (indexer/query.plan_query) ----------
    async function planQuery(text, original, exact = false) {
      const plan = { original, text: "", layout_fixed: false, initials: false, autocorrected_from: null, terms: [],
        compounds: [], corrections: [],
        did_you_mean: null, synonyms: [], ngrams: [] };
      let normalized = H.normalizeQuery(text);
      if (!normalized) return plan;
      const fixed = exact ? null : await fixLayout(H.normalizeQuery(text, 200, false));
      if (fixed) {
        normalized = fixed;
        plan.layout_fixed = true;
      }
      plan.text = normalized;
      if (H.isInitialsQuery(normalized)) {
        plan.initials = true;
        return plan;
      }
      let words = normalized.split(" ");
      await needLexicon(words);
      const certain = meta.common && !exact ? await Promise.all(words.map(certainFix)) : [];
      if (certain.some(Boolean)) {
        plan.autocorrected_from = normalized;
        words = words.map((w, i) => certain[i] || w);
        normalized = plan.text = words.join(" ");
        await needLexicon(words);
      }
      const last = words[words.length - 1];
      if (last && H.isJamo(chars(last)[chars(last).length - 1]) && chars(last).some(H.isSyllable)) {
        const completed = complete(last); // the IME is still composing: 분ㅅ -> 분실
        if (completed) {
          words = [...words.slice(0, -1), completed];
          normalized = words.join(" ");
        }
      }
      const analysis = analyze(normalized);
      plan.terms = unique(analysis.terms).slice(0, meta.limits.terms);
      plan.compounds = await findCompounds(analysis.pieces, plan.terms);
      const suggested = words.slice();
      for (let i = 0; i < words.length; i++) {
        const corrected = await correctWord(words[i]);
        if (corrected) suggested[i] = corrected;
      }
      let spans = analysis.spans;
      if (suggested.join(" ") !== words.join(" ")) {
        plan.did_you_mean = suggested.join(" ");
        await needLexicon(suggested);
        const correctedAnalysis = analyze(suggested.join(" "));
        const seen = new Set(plan.terms);
        for (const term of correctedAnalysis.terms) {
          if (!seen.has(term)) {
            plan.corrections.push(term);
            seen.add(term);
          }
        }
        spans = correctedAnalysis.spans;
      }
      const all = plan.terms.concat(plan.corrections);
      for (const group of meta.synonyms) {
        for (const variant of group) {
          for (let i = 0; i + variant.length <= all.length; i++) {
            if (variant.every((t, k) => all[i + k] === t)) {
              plan.synonyms.push([variant.join(" "), group.filter((v) => v !== variant).map((v) => v.join(" "))]);
            }
          }
        }
      }
      plan.ngrams = unique(spans.flatMap(ngrams)).slice(0, meta.limits.ngrams);
      return plan;
    }

    /* ``exact``: what was typed, without keyboard-layout repair, 초성 reading or autocorrection (exact=1). */
    async function plan(text, exact = false) {
      let planned = await planQuery(text, text, exact);
      if (exact) return { ...planned, initials: false };
      let reading = null;
      if (planned.initials) {
        reading = await decodeInitials(planned.text);
      } else if (planned.text) {
        const words = planned.text.split(" ");
        const readings = await Promise.all(words.map((w) => (H.isInitialsQuery(w) ? decodeInitials(w) : null)));
        if (readings.some(Boolean)) reading = words.map((w, i) => readings[i] || w).join(" ");
      }
      if (reading) {
        planned = await planQuery(reading, text);
        planned.initials = true;
      }
      return planned;
    }

    // ---------- scoring (indexer/scoring.ScoreTable.scores) ----------
    /* indexer/query.weighted_terms: term groups and their weights (postings must be loaded). */
    function weightedTerms(plan) {
      const out = plan.terms.concat(plan.compounds).map((t) => [[t], weightOf(t)]);
      for (const t of plan.corrections) out.push([[t], meta.weights.correction * weightOf(t)]);
      for (const [source, alternatives] of plan.synonyms) {
        const words = [source, ...alternatives].flatMap((phrase) => phrase.split(" "));
        const weight = meta.weights.synonym * Math.max(...words.map(weightOf));
        for (const alt of alternatives) out.push([alt.split(" "), weight]);
      }
      return out;
    }

    function planKeys(plan) {
      const words = plan.terms.concat(plan.compounds, plan.corrections);
      for (const [source, alternatives] of plan.synonyms) words.push(...[source, ...alternatives].flatMap((p) => p.split(" ")));
      return unique(words.map((t) => "t" + t).concat(plan.ngrams.map((g) => "g" + g)));
    }

    function rows(key) {
      const row = postings.get(key);
      if (!row || !row[0].length) return null;
      if (!row.decoded) {
        let doc = 0;
        row.decoded = row[0].map((delta, i) => [(doc += delta), row[1][i] / meta.weights.scale]);
      }
      return row.decoded;
    }

    async function rank(plan) {
      await needPostings(planKeys(plan));
      const groups = weightedTerms(plan);
      const scores = new Map();
      const add = (doc, value) => scores.set(doc, (scores.get(doc) || 0) + value);
      for (const [terms, weight] of groups) {
        if (terms.length === 1) {
          for (const [doc, w] of rows("t" + terms[0]) || []) add(doc, weight * w);
          continue;
        }
        const parts = terms.map((t) => rows("t" + t));
        if (parts.some((p) => !p)) continue;
        const sums = new Map();
        const counts = new Map();
        for (const part of parts) {
          for (const [doc, w] of part) {
            sums.set(doc, (sums.get(doc) || 0) + (weight / terms.length) * w);
            counts.set(doc, (counts.get(doc) || 0) + 1);
          }
        }
        for (const [doc, count] of counts) if (count === terms.length) add(doc, sums.get(doc));
      }
      for (const gram of plan.ngrams) for (const [doc, w] of rows("g" + gram) || []) add(doc, w);
      return Array.from(scores).filter(([, s]) => s > 0).sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, meta.limits.candidates);
    }

    async function docs(numbers) {
      const per = meta.shards.d;
      await Promise.all(unique(numbers.map((n) => Math.floor(n / per))).map((k) => shard("d", k).then((list) => {
        list.forEach((doc, i) => documents.set(k * per + i, doc));
      })));
      return numbers.map((n) => documents.get(n));
    }

    // ---------- highlighting (indexer/highlight.py, by surface forms instead of offsets) ----------
    async function highlighter(plan) {
      const terms = new Set(plan.terms.concat(plan.corrections, plan.compounds));
      for (const [, alternatives] of plan.synonyms) for (const alt of alternatives) alt.split(" ").forEach((t) => terms.add(t));
      await Promise.all(Array.from(terms, (t) => lexiconShard(chars(t)[0])));
      const surfaces = new Set();
      for (const [surface, [term]] of lexicon) if (term && terms.has(term)) surfaces.add(surface);
      for (const t of terms) surfaces.add(t);
      return { surfaces: Array.from(surfaces).sort((a, b) => chars(b).length - chars(a).length), grams: new Set(plan.ngrams) };
    }

    /* [start, end) in code points of every occurrence of each needle in ``text`` (case-insensitive). */
    function matchSpans(text, hl) {
      let lower = text.toLowerCase();
      if (lower.length !== text.length) lower = text; // a rare letter whose lower case changes length
      const codePoint = new Int32Array(lower.length + 1); // UTF-16 index -> code point index
      for (let i = 0, n = 0; i <= lower.length; i++) {
        codePoint[i] = n;
        const c = lower.charCodeAt(i);
        if (!(c >= 0xd800 && c <= 0xdbff)) n++;
      }
      const find = (needle, wordStartOnly, spans) => {
        for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + 1)) {
          if (wordStartOnly && at > 0 && !/\s/.test(lower[at - 1])) continue;
          spans.push([codePoint[at], codePoint[at + needle.length]]);
        }
      };
      let spans = [];
      for (const surface of hl.surfaces) find(surface, chars(surface).length === 1, spans);
      if (!spans.length) for (const gram of hl.grams) find(gram, false, spans);
      spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const merged = [];
      for (const [s, e] of spans) {
        if (merged.length && s <= merged[merged.length - 1][1]) merged[merged.length - 1][1] = Math.max(e, merged[merged.length - 1][1]);
        else merged.push([s, e]);
      }
      return merged;
    }

    function makeSnippet(raw, hl, size = SNIPPET_CHARS) {
      const text = raw.split(/\s+/).filter(Boolean).join(" ");
      const letters = chars(text);
      const spans = matchSpans(text, hl);
      if (letters.length <= size) return [text, spans];
      let bestStart = 0;
      let bestCount = -1;
      for (const [start] of spans.length ? spans : [[0, 0]]) {
        const windowStart = Math.max(0, start - Math.floor(size / 4));
        const count = spans.filter(([s, e]) => s >= windowStart && e <= windowStart + size).length;
        if (count > bestCount) {
          bestStart = windowStart;
          bestCount = count;
        }
      }
      const rfind = (from, to) => {
        for (let i = Math.min(to, letters.length) - 1; i >= from; i--) if (letters[i] === " ") return i;
        return -1;
      };
      if (bestStart > 0) {
        const space = rfind(0, bestStart + 1);
        bestStart = space >= bestStart - 15 && space >= 0 ? space + 1 : bestStart;
      }
      let end = Math.min(letters.length, bestStart + size);
      if (end < letters.length) {
        const space = rfind(bestStart, end);
        end = space > bestStart + Math.floor(size / 2) ? space : end;
      }
      const prefix = bestStart > 0 ? "…" : "";
      const suffix = end < letters.length ? "…" : "";
      const shift = bestStart - prefix.length;
      const inside = spans.filter(([s, e]) => s >= bestStart && e <= end).map(([s, e]) => [s - shift, e - shift]);
      return [prefix + letters.slice(bestStart, end).join("") + suffix, inside];
    }

    // ---------- the suggestion list (indexer/suggest.Suggester.suggest, kb/export_suggest.py) ----------
    const squash = (text) => text.split(/\s+/).join("");
    const entryKeys = new Map(); // entry text -> [jamo, 초성] as the live suggester reads it

    function keysOf(text) {
      if (!entryKeys.has(text)) {
        const normalized = H.normalizeQuery(text);
        entryKeys.set(text, [H.decompose(squash(normalized), true), squash(H.initials(normalized))]);
      }
      return entryKeys.get(text);
    }

    /* The prefix tree, one node per keystroke: every entry under a small node, else its shown list. */
    async function walk(family, word) {
      const letters = chars(word);
      let found = null;
      for (let size = 1; size <= Math.min(letters.length, meta.limits.suggestion_depth); size++) {
        const key = family + letters.slice(0, size).join("");
        found = (await shard("s", fnv1a(key) % meta.shards.s))[key];
        if (!found) return { none: true };
        if (found.a) return { all: found.a };
      }
      return { top: found.t, exact: letters.length <= meta.limits.suggestion_depth };
    }

    async function suggest(q, base) {
      const query = H.normalizeQuery(q || "");
      if (!query || !meta.shards.s) return [];
      const initialsOnly = H.isInitialsQuery(query);
      const words = initialsOnly ? [squash(query)] : query.split(" ").map((w) => H.decompose(w, true));
      const walks = await Promise.all(words.map((w) => walk(initialsOnly ? "i" : "j", w)));
      if (walks.some((w) => w.none)) return [];
      const full = walks.filter((w) => w.all).sort((a, b) => a.all.length - b.all.length)[0];
      // no word narrow enough to list every entry: the shown lists, filtered (exact for one word)
      const candidates = full ? full.all : walks.flatMap((w) => w.top);
      const scored = [];
      const seenEntries = new Set();
      for (const record of candidates) {
        if (seenEntries.has(record[0])) continue;
        seenEntries.add(record[0]);
        const key = keysOf(record[2])[initialsOnly ? 1 : 0];
        const at = words.map((w) => key.indexOf(w));
        if (at.every((p) => p >= 0)) scored.push([at[0], record[3], chars(record[2]).length, record[0], record]);
      }
      scored.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3]);
      const out = [];
      const seenIds = new Set();
      for (const [, , , , [, id, text, , doc, title]] of scored) {
        if (seenIds.has(id)) continue;
        seenIds.add(id);
        const category = (meta.categories[parseInt(meta.document_categories[doc], 36)] || [""])[0];
        const url = base + "articles/" + id + ".html";
        out.push({ id, text, title: title || text, category, audience: "public", url });
        if (out.length === meta.limits.suggestions) break;
      }
      return out;
    }

    // ---------- the API's answer ----------
    async function search(q, options = {}) {
      const limit = options.limit || 20;
      const category = options.category || null;
      const base = options.root || "";
      const query = (q || "").slice(0, 200);
      const labels = Object.fromEntries(meta.categories);
      const data = { query, search_id: null, layout_fixed: false, interpreted_as: null, did_you_mean: null,
        initials: false, category, total: 0, category_counts: {}, category_labels: labels,
        category_order: meta.categories.map(([key]) => key), results: [], suggestions: [] };
      const suggesting = options.suggest ? suggest(query, base) : Promise.resolve([]);
      const planned = await plan(query, Boolean(options.exact));
      data.layout_fixed = planned.layout_fixed;
      data.initials = planned.initials;
      data.interpreted_as = planned.layout_fixed || planned.initials || planned.autocorrected_from ? planned.text : null;
      data.autocorrected_from = planned.autocorrected_from;
      data.did_you_mean = planned.did_you_mean;
      data.plan = planned;
      let ranked = await rank(planned);
      const best = ranked.length ? ranked[0][1] : 0;
      ranked = ranked.filter(([, s]) => s >= best * meta.limits.cutoff);
      const categoryOf = (n) => (meta.categories[parseInt(meta.document_categories[n], 36)] || [""])[0];
      let kept = ranked.map(([n, score]) => ({ n, score, category: categoryOf(n) }));
      for (const hit of kept) data.category_counts[hit.category] = (data.category_counts[hit.category] || 0) + 1;
      if (category) kept = kept.filter((hit) => hit.category === category);
      data.total = kept.length;
      kept = kept.slice(0, limit); // only the shown documents are loaded
      const [found, hl] = await Promise.all([docs(kept.map((hit) => hit.n)), highlighter(planned)]);
      for (const [i, { score }] of kept.entries()) {
        const doc = found[i];
        const [id, title, cat, shortAnswer, body, updated] = doc;
        const flat = body.split(/\s+/).filter(Boolean).join(" ");
        const rest = shortAnswer && body.startsWith(shortAnswer) ? body.slice(shortAnswer.length).trim() : body;
        let [snippet, spans] = makeSnippet(rest || body, hl);
        if (!spans.length && rest) {
          const whole = makeSnippet(flat, hl);
          if (whole[1].length) [snippet, spans] = whole;
        }
        const [, titleSpans] = makeSnippet(title, hl, 200);
        const url = base + "articles/" + id + ".html";
        data.results.push({ id, title, category: cat, category_label: labels[cat] || cat, audience: "public",
          score: Math.round(score * 10000) / 10000, snippet, snippet_highlights: spans, title_highlights: titleSpans,
          short_answer: shortAnswer, updated, url, share_url: url });
      }
      if (!data.results.length) data.popular = meta.popular.map(([title, path]) => ({ title, url: base + path }));
      data.suggestions = await suggesting;
      return data;
    }

    return { search, suggest, plan, rank, fnv1a };
  }

  /* Syllable bigrams inside each word, whole Latin/number runs (indexer/analysis.ngrams). */
  const WORD = /[0-9a-z]+|[\uac00-\ud7a3\u3131-\u3163]+|[^\s0-9a-z\uac00-\ud7a3\u3131-\u3163\P{L}\p{N}]+/gu;
  function ngrams(text) {
    const out = [];
    for (const match of H.normalize(text).matchAll(WORD)) {
      const word = chars(match[0]);
      if (!H.isHangul(word[0]) || word.length === 1) {
        out.push(match[0]);
        continue;
      }
      for (let i = 0; i < word.length - 1; i++) out.push(word[i] + word[i + 1]);
    }
    return out;
  }

  /* In a page: shards come in as <script> tags calling KBSearchShard(kind, number, data). */
  function scriptLoader(base, version) {
    const pending = new Map();
    root.KBSearchShard = (kind, number, data) => {
      const resolve = pending.get(kind + number);
      if (resolve) resolve(data);
    };
    return (kind, number) => new Promise((resolve, reject) => {
      pending.set(kind + number, resolve);
      const script = document.createElement("script");
      script.src = base + kind + "/" + number + ".js?v=" + version;
      script.onerror = () => reject(new Error("cannot load search data " + script.src));
      document.head.append(script);
    });
  }

  let pageEngine = null;
  function pageSearch(q, options) {
    const form = document.querySelector("form.search[data-static-index]");
    const base = form.dataset.staticIndex;
    if (!pageEngine) pageEngine = createEngine(root.KB_SEARCH_META, scriptLoader(base, root.KB_SEARCH_META.version));
    return pageEngine.search(q, { ...options, root: base.replace(/static\/search\/$/, "") });
  }

  const api = { createEngine, fnv1a, ngrams, search: pageSearch };
  root.KBStaticSearch = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
