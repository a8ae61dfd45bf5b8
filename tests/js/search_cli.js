// Runs the shipped search engine (static/js/search-engine.js) on built search assets in node.
// Usage: node search_cli.js SEARCH_DIR MODE < request.json
//   MODE=query:   request {queries: [...], limit}   → [{query, total, exact, results: [...]}, …]
//   MODE=vectors: request {}  → {shard: {vectors: {fieldRef: {term: score}}, inverted: {term: {field: [doc]}}}}
//                 of each shard's lunr.Index as lunr.Index.load made it
//   MODE=bench:   request {queries: [...], rounds}   → {loadMs, firstQueryMs, latencies: [...]}
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { performance } = require('perf_hooks');

const root = path.join(__dirname, '..', '..', 'static');
const dir = path.resolve(process.argv[2]);
const mode = process.argv[3] || 'query';
const loaded = [];

function makeEngine() {
  const t0 = performance.now();
  const lunr = require(path.join(root, 'vendor', 'lunr', 'lunr.min.js'));
  const tokenizer = require(path.join(root, 'js', 'tokenize.js'));
  const { createEngine } = require(path.join(root, 'js', 'search-engine.js'));
  const engine = createEngine({
    lunr,
    tokenizer,
    readingsCode: () => Promise.resolve(require(path.join(root, 'js', 'search-readings.js'))),
    loadScript: (name) => new Promise((resolve) => {
      const file = path.resolve(dir, name);
      loaded.push(path.basename(file));
      vm.runInThisContext(fs.readFileSync(file, 'utf8'), { filename: file });
      resolve();
    }),
  });
  return { engine, t0 };
}

function readStdin() {
  return new Promise((resolve) => {
    let input = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (c) => { input += c; });
    process.stdin.on('end', () => resolve(input ? JSON.parse(input) : {}));
  });
}

async function main() {
  const req = await readStdin();
  if (mode === 'query') {
    const { engine } = makeEngine();
    const out = [];
    for (const q of req.queries) {
      const before = loaded.length;
      const r = await engine.search(q, { limit: req.limit || 1e9, kind: req.kind });
      out.push({ query: q, total: r.total, exact: r.exact, more: r.more, unsupported: !!r.unsupported,
                 counts: r.counts, suggestions: r.suggestions, help: r.help, notInReport: r.notInReport,
                 loaded: loaded.slice(before), results: r.results });
    }
    process.stdout.write(JSON.stringify(out));
  } else if (mode === 'vectors') {
    const { engine } = makeEngine();
    await engine.load();
    const m = engine.manifest();
    const out = {};
    for (let s = 0; s < m.shards.length; s++) {
      const idx = await engine.shard(s);
      const terms = [];
      Object.keys(idx.invertedIndex).forEach((t) => { terms[idx.invertedIndex[t]._index] = t; });
      const vecs = {};
      Object.keys(idx.fieldVectors).forEach((ref) => {
        const el = idx.fieldVectors[ref].elements, named = {};
        for (let i = 0; i < el.length; i += 2) named[terms[el[i]]] = el[i + 1];
        vecs[ref] = named;
      });
      const inverted = {};
      Object.keys(idx.invertedIndex).forEach((t) => {
        const posting = idx.invertedIndex[t], fields = {};
        Object.keys(posting).forEach((f) => { if (f !== '_index') fields[f] = Object.keys(posting[f]).sort(); });
        inverted[t] = fields;
      });
      out[s] = { vectors: vecs, inverted };
    }
    process.stdout.write(JSON.stringify(out));
  } else if (mode === 'bench') {
    const { engine, t0 } = makeEngine();
    await engine.load();
    // The manifest and the code, timed as "index load" (shards and blocks load with the queries).
    const m = engine.manifest();
    const loadMs = performance.now() - t0;
    const latencies = [];
    const rounds = req.rounds || 5;
    for (const q of req.queries) await engine.search(q, { limit: 20 }); // warm: loads data
    for (let r = 0; r < rounds; r++) {
      for (const q of req.queries) {
        const a = performance.now();
        await engine.search(q, { limit: 20 });
        latencies.push(performance.now() - a);
      }
    }
    process.stdout.write(JSON.stringify({ loadMs, latencies }));
  } else if (mode === 'first') {
    // Files a first search for each query downloads (fresh engine per query).
    const out = [];
    for (const q of req.queries) {
      loaded.length = 0;
      const { engine } = makeEngine();
      delete globalThis.CasebookSearchData;
      const r = await engine.search(q, { limit: 20 });
      out.push({ query: q, files: loaded.slice(), total: r.total, exact: r.exact });
    }
    process.stdout.write(JSON.stringify(out));
  }
}

main().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
