// Reads {plan, files: [base64 bytes]} as JSON on stdin; prints, per file, what static/js/survey-core.js reads and
// tallies (tests/test_survey_parity.py compares it with the command line's tally cell by cell).
"use strict";
const path = require("path");
const core = require(path.join(__dirname, "..", "..", "static", "js", "survey-core.js"));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const job = JSON.parse(input);
  const out = job.files.map((b64) => {
    const read = core.read(job.plan, new Uint8Array(Buffer.from(b64, "base64")));
    const tallies = read.errors.length ? [] : core.tally(job.plan, read.rows);
    return { errors: read.errors, read: read.read, empty: read.empty, encoding: read.encoding,
             tallies: tallies.map((t) => ({ id: t.id, n: t.n, columns: t.columns, rows: t.rows.map((r) => r.map(String)) })) };
  });
  if (job.decimal) {
    const d = core.decimal;
    const ops = { add: d.add, div: d.div };
    out.push(job.decimal.map((v) => v.op === "quantize" ? d.quantize(d.dec(v.a), v.places)
      : d.quantize(ops[v.op](d.dec(v.a), d.dec(v.b)), v.places)));
  }
  process.stdout.write(JSON.stringify(out));
});
