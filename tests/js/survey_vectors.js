// node tests/js/survey_vectors.js VECTORS.json PLAN.json: checks static/js/survey-core.js against the shared
// vectors (tests/vectors/survey_tally.json) and prints the failures as JSON (an empty list when all hold).
"use strict";
const fs = require("fs");
const path = require("path");
const core = require(path.join(__dirname, "..", "..", "static", "js", "survey-core.js"));

const vectors = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const plan = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const failures = [];
const d = core.decimal;

vectors.decimal.forEach((v) => {
  const x = v.op === "quantize" ? d.dec(v.a) : d[v.op](d.dec(v.a), d.dec(v.b));
  const got = d.quantize(x, v.places);
  if (got !== v.expected) failures.push(`${v.name}: expected ${v.expected}, got ${got}`);
});

function csv(clinics) {
  const ids = plan.questions.map((q) => q.id);
  const quote = (c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return [ids.join(","), ...clinics.map((c) => ids.map((id) => quote(c[id] || "")).join(","))].join("\r\n") + "\r\n";
}

vectors.files.forEach((v) => {
  const read = core.read(plan, new TextEncoder().encode(csv(v.clinics)));
  const errors = read.errors.map((e) => [e.row, e.question]);
  if (JSON.stringify(errors) !== JSON.stringify(v.errors || [])) {
    failures.push(`${v.name}: errors ${JSON.stringify(errors)}, expected ${JSON.stringify(v.errors || [])}`);
  }
  if (!v.expected) return;
  const tallies = Object.fromEntries(core.tally(plan, read.rows).map((t) => [t.id, t]));
  Object.entries(v.order || {}).forEach(([id, order]) => {
    const items = tallies[id].rows.map((r) => r[0]).filter((i) => order.includes(i));
    if (JSON.stringify(items) !== JSON.stringify(order)) failures.push(`${v.name}: ${id} order ${JSON.stringify(items)}`);
  });
  Object.entries(v.expected).forEach(([id, want]) => {
    const got = tallies[id];
    if (got.n !== want.n) failures.push(`${v.name}: ${id} n ${got.n}, expected ${want.n}`);
    const rows = got.rows.map((r) => JSON.stringify(r.map(String)));
    want.rows.forEach((r) => {
      if (!rows.includes(JSON.stringify(r))) failures.push(`${v.name}: ${id} has no row ${JSON.stringify(r)}`);
    });
  });
});
process.stdout.write(JSON.stringify(failures));
