// Checks the shipped JavaScript twins against tests/vectors/*.json (written by tests/update_vectors.py
// from the Python side; tests/test_twins.py checks the Python side and runs this).
// Usage: node vectors.js [forms]   prints one line per mismatch and exits 1 if there is any;
//        "forms" prints the reading forms the matcher gives for readings.json's queries (as JSON).
'use strict';
const fs = require('fs');
const path = require('path');
const assert = require('assert');

const js = path.join(__dirname, '..', '..', 'static', 'js');
const vectors = path.join(__dirname, '..', 'vectors');
const tok = require(path.join(js, 'tokenize.js'));
const similar = require(path.join(js, 'similar-core.js'));
const readings = require(path.join(js, 'search-readings.js'));
const load = (name) => JSON.parse(fs.readFileSync(path.join(vectors, name), 'utf8'));
const failures = [];

function check(what, got, want) {
  try {
    assert.deepStrictEqual(got, want);
  } catch (e) {
    failures.push(`${what}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
}

const reading = load('readings.json');
const shard = readings.create(reading.data, tok.readingKey);
const forms = {};
reading.queries.forEach((q) => { forms[q] = shard.forms(tok.normalize(q)); });
if (process.argv[2] === 'forms') {
  process.stdout.write(JSON.stringify(forms));
  process.exit(0);
}
check('readings forms', forms, reading.forms);

load('tokenize.json').forEach((v) => {
  check(`normalize(${JSON.stringify(v.text)})`, tok.normalize(v.text), v.normalize);
  check(`tokenize(${JSON.stringify(v.text)})`, tok.tokenize(v.text), v.tokenize);
  check(`queryWords(${JSON.stringify(v.text)})`, tok.queryWords(v.text), v.queryWords);
  check(`readingKey(${JSON.stringify(v.normalize)})`, tok.readingKey(v.normalize), v.readingKey);
});
load('shard_hash.json').forEach((v) => {
  check(`shardOf(${JSON.stringify(v.term)}, ${v.shards})`, tok.shardOf(v.term, v.shards), v.shard);
});
const sim = load('similarity.json');
sim.jobs.forEach((job) => {
  const ranked = similar.rank(job.query, sim.cases, job.exclude)
    .map((r) => ({ slug: r.slug, key: r.key, reasons: r.reasons }));
  check(`rank(${JSON.stringify(job.query)}, exclude ${job.exclude})`, ranked, job.ranked);
});

failures.forEach((f) => console.log(f));
process.exit(failures.length ? 1 : 0);
