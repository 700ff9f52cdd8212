// Run the static export's browser search in Node, on the exported files themselves.
// usage: node tests/js/node_search.js EXPORT_DIR [--plan] [--cold] < queries (one per line) > JSON lines
//   --cold: a fresh engine per query, and the shard files it had to load ("files")
//   --limit N: results per query (10 for quality; the pages show 20)
//   --suggest: only the suggestion list under the box ("suggestions": ["id text", ...]), no search
//   --typing: each line a JSON list of what the box holds keystroke by keystroke; a fresh engine per
//             line, and the shard files each keystroke's suggestion list loaded ("files": [[...], ...])
"use strict";
const fs = require("fs");
const path = require("path");
const readline = require("readline");

const [exportDir, ...flags] = process.argv.slice(2);
const limit = flags.includes("--limit") ? Number(flags[flags.indexOf("--limit") + 1]) : 10;
const searchDir = path.join(exportDir, "static", "search");
const sandbox = {};
new Function("window", fs.readFileSync(path.join(searchDir, "meta.js"), "utf8"))(sandbox);
globalThis.KBHangul = require(path.resolve(exportDir, "static", "hangul.js"));
const { createEngine } = require(path.resolve(exportDir, "static", "static-search.js"));

function load(kind, number) {
  let captured = null;
  const text = fs.readFileSync(path.join(searchDir, kind, number + ".js"), "utf8");
  new Function("KBSearchShard", text)((k, n, data) => (captured = data));
  return captured;
}

let engine = createEngine(sandbox.KB_SEARCH_META, load);
let loaded = [];
function recordingLoad(kind, number) {
  loaded.push(kind + "/" + number + ".js");
  return load(kind, number);
}
const lines = readline.createInterface({ input: process.stdin });
const queue = [];
lines.on("line", (line) => queue.push(line));
lines.on("close", async () => {
  for (const q of queue) {
    if (flags.includes("--cold")) {
      loaded = [];
      engine = createEngine(sandbox.KB_SEARCH_META, recordingLoad);
    }
    if (flags.includes("--typing")) {
      loaded = [];
      engine = createEngine(sandbox.KB_SEARCH_META, recordingLoad);
      const files = [];
      for (const state of JSON.parse(q)) {
        const before = loaded.length;
        await engine.suggest(state, "");
        files.push(loaded.slice(before));
      }
      process.stdout.write(JSON.stringify({ query: q, files }) + "\n");
      continue;
    }
    if (flags.includes("--suggest")) {
      const list = await engine.suggest(q, "");
      const out = { query: q, suggestions: list.map((s) => s.id + " " + s.text) };
      if (flags.includes("--cold")) out.files = loaded;
      process.stdout.write(JSON.stringify(out) + "\n");
      continue;
    }
    const started = process.hrtime.bigint();
    const data = await engine.search(q, { limit: limit });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const out = { query: q, ms, ids: data.results.map((r) => r.id), layout_fixed: data.layout_fixed,
      did_you_mean: data.did_you_mean, interpreted_as: data.interpreted_as, autocorrected_from: data.autocorrected_from,
      total: data.total };
    if (flags.includes("--plan")) out.plan = data.plan;
    if (flags.includes("--cold")) out.files = loaded;
    if (flags.includes("--full")) out.data = data;
    process.stdout.write(JSON.stringify(out) + "\n");
  }
});
