// The local survey's reading and tally in the browser: the twin of casebook/localsurvey (responses.py, tally.py),
// following the specification in casebook/localsurvey/plan.py cell for cell. Nothing here touches the page or the
// network. Usable in the browser (window.SurveyCore) and from node (module.exports); tests/test_survey_parity.py
// runs both on the shared vectors and on random response files.
(function (root, factory) {
  "use strict";
  var core = factory();
  if (typeof module === "object" && module.exports) module.exports = core;
  else root.SurveyCore = core;
})(this, function () {
  "use strict";

  // ---- Decimal arithmetic of 28 significant digits, as Python's default decimal context (half even). ----
  // A value is {c: BigInt coefficient, e: exponent}: c × 10^e.
  var PREC = 28;
  var TEN = BigInt(10);
  var ZERO = BigInt(0);
  var ONE = BigInt(1);
  var TWO = BigInt(2);
  var POW = [ONE];
  function pow10(k) {
    while (POW.length <= k) POW.push(POW[POW.length - 1] * TEN);
    return POW[k];
  }
  function digits(c) { return (c < ZERO ? -c : c).toString().length; }

  function dec(text) {
    // A figure's shortest decimal text (Number#toString or Python's repr), e.g. "12", "0.25", "1e+21", "2.5e-7".
    var m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(String(text));
    if (!m) throw new Error("not a decimal: " + text);
    var frac = m[3] || "";
    var c = BigInt(m[2] + frac);
    return { c: m[1] ? -c : c, e: (m[4] ? parseInt(m[4], 10) : 0) - frac.length };
  }
  function ofNumber(x) { return dec(String(x)); }

  var LIMIT = pow10(PREC);

  function roundTo(c, e, sticky) {
    // c × 10^e rounded to PREC digits, half even; *sticky*: a non-zero remainder was already dropped below c.
    if (!sticky && c < LIMIT && -c < LIMIT) return { c: c, e: e };  // fits: no digits to count
    var n = digits(c);
    if (n <= PREC && !sticky) return { c: c, e: e };
    var drop = Math.max(n - PREC, 0);
    var neg = c < ZERO;
    var a = neg ? -c : c;
    var div = pow10(drop);
    var q = a / div;
    var r = a % div;
    var twice = r * TWO;
    if (twice > div || (twice === div && (sticky || q % TWO === ONE))) q += ONE;
    if (digits(q) > PREC) { q /= TEN; e += 1; }  // 999… rounded up to 1000…
    return { c: neg ? -q : q, e: e + drop };
  }

  function add(x, y) {
    if (x.e === y.e) return roundTo(x.c + y.c, x.e, false);
    var e = Math.min(x.e, y.e);
    var c = x.c * pow10(x.e - e) + y.c * pow10(y.e - e);
    return roundTo(c, e, false);
  }

  function div(x, y) {
    // Correctly rounded quotient: enough digits for PREC + 1, the rest as a sticky remainder.
    var num = x.c < ZERO ? -x.c : x.c;
    var den = y.c < ZERO ? -y.c : y.c;
    var neg = (x.c < ZERO) !== (y.c < ZERO);
    if (num === ZERO) return { c: ZERO, e: 0 };
    var shift = Math.max(PREC + 2 + digits(den) - digits(num), 0);
    var scaled = num * pow10(shift);
    var q = scaled / den;
    var rem = scaled % den;
    var out = roundTo(q, x.e - y.e - shift, rem !== ZERO);
    if (neg) out.c = -out.c;
    return out;
  }

  function cmp(x, y) {
    if (x.e === y.e) return x.c < y.c ? -1 : x.c > y.c ? 1 : 0;
    var e = Math.min(x.e, y.e);
    var a = x.c * pow10(x.e - e);
    var b = y.c * pow10(y.e - e);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function quantize(x, places) {
    // Half up (away from zero), as the report rounds; returns the text with exactly *places* decimals.
    var c = x.c;
    var e = x.e;
    if (e > -places) { c = c * pow10(e + places); }
    else if (e < -places) {
      var d = pow10(-places - e);
      var neg = c < ZERO;
      var a = neg ? -c : c;
      var q = a / d;
      if ((a % d) * TWO >= d) q += ONE;
      c = neg ? -q : q;
    }
    var neg2 = c < ZERO;
    var s = (neg2 ? -c : c).toString();
    if (places > 0) {
      while (s.length <= places) s = "0" + s;
      s = s.slice(0, s.length - places) + "." + s.slice(s.length - places);
    }
    return (neg2 ? "-" : "") + s;
  }

  function formatter(f) {
    // The report's format of a stats column (plan.formats): fixed places, or General up to that many (at least one).
    return function (x) {
      if (f.fixed) return quantize(x, f.places);
      var text = quantize(x, Math.max(f.places, 1));
      return text.indexOf(".") >= 0 ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
    };
  }

  // ---- Reading a file as Excel saves it. ----
  function decode(bytes) {
    // Text and encoding: UTF-16 (Excel's 「Unicode テキスト」, with its BOM), UTF-8 with or without BOM, else
    // Shift_JIS (Excel's 「CSV (コンマ区切り)」 on Japanese Windows writes Microsoft's cp932, which the Encoding
    // Standard's shift_jis decoder reads). A workbook (.xlsx zip, .xls OLE) is recognised and refused.
    if (bytes.length >= 4 && ((bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4) ||
        (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0))) {
      return { error: "workbook" };
    }
    if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
      return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "UTF-16" };
    }
    if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
      return { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), encoding: "UTF-16" };
    }
    var start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    try {
      return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(start)), encoding: "UTF-8" };
    } catch (e) {
      if (start) return { error: "encoding" };
    }
    try {
      return { text: new TextDecoder("shift_jis", { fatal: true }).decode(bytes), encoding: "Shift_JIS" };
    } catch (e2) {
      return { error: "encoding" };
    }
  }

  function parseCsv(text, delimiter) {
    // Records with the row number Excel shows: a line break inside a quoted cell (Alt+Enter) stays in its row.
    // One sticky pattern per field: a quoted cell ("" inside is one "), or anything up to the delimiter or line end.
    var d = delimiter === "\t" ? "\\t" : delimiter;
    var field = new RegExp('"((?:[^"]|"")*)"|([^"' + d + '\\r\\n]*)', "y");
    var rest = new RegExp("[^" + d + "\\r\\n]*", "y");
    var records = [];
    var cells = [];
    var i = 0;
    var n = text.length;
    if (!n) return { records: records, unclosed: false };
    for (;;) {
      field.lastIndex = i;
      var m = field.exec(text);
      var value;
      if (m[1] !== undefined) value = m[1].indexOf('"') >= 0 ? m[1].replace(/""/g, '"') : m[1];
      else value = m[2];
      i = field.lastIndex;
      if (i < n && text[i] !== delimiter && text[i] !== "\r" && text[i] !== "\n") {
        if (m[1] === undefined && value === "") {
          // a quote opening a cell that never closes: the rest of the file is that cell
          cells.push(text.slice(i + 1));
          records.push(cells);
          return { records: records, unclosed: true };
        }
        // a quote inside an unquoted cell, or text after a closing quote: kept as it is (Python's csv does so)
        rest.lastIndex = i;
        value += rest.exec(text)[0];
        i = rest.lastIndex;
      }
      cells.push(value);
      if (i >= n) { records.push(cells); break; }
      var ch = text[i];
      if (ch === delimiter) { i += 1; continue; }
      records.push(cells);
      cells = [];
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
      if (i >= n) break;
    }
    return { records: records, unclosed: false };
  }

  function norm(s) { return String(s).normalize("NFKC").trim(); }
  function blank(s) { return String(s).trim() === "" || norm(s) === ""; }

  var ID_HEADING = /^(id|no\.?|番号|通し番号|診療所id|診療所番号|メモ)\b|^id[（(]|集計しません/i;
  var QUESTION_NUMBER = /^問(\d+)(?!\d)/;
  // A figure as people write one (the command line's rule, responses.py): digits 0-9 (full-width ones by NFKC),
  // thousands commas, at most three decimals; at most 9,999,999 (a doctor count: whole, at most 999).
  var NUMBER = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;
  var NEGATIVE = /^[-−‐–]\s*[0-9.,]+$/;
  var MAX_DECIMALS = 3;
  var MAX_FIGURE = 9999999;
  var MAX_DOCTORS = 999;
  var MULTI = /[;；\n]/;

  function headerMap(plan, header, errors) {
    // Column index → question, from the id (responses.csv of the command line) or the sheet's heading 「問N …」.
    var byId = {};
    var byNumber = {};
    plan.questions.forEach(function (q) { byId[q.id] = q; byNumber[q.number] = q; });
    var columns = [];
    var seen = {};
    header.forEach(function (raw, i) {
      var h = norm(raw);
      var q = byId[h] || null;
      var m = QUESTION_NUMBER.exec(h);
      if (!q && m) q = byNumber[parseInt(m[1], 10)] || null;
      if (q) {
        if (seen[q.id] !== undefined) {
          errors.push({ row: 1, column: i, question: q.id, code: "duplicate", first: seen[q.id] });
          columns.push(null);
          return;
        }
        seen[q.id] = i;
        columns.push(q);
        return;
      }
      if (h === "" ) { columns.push({ blank: true }); return; }
      if (ID_HEADING.test(h)) { columns.push({ ignored: true }); return; }
      errors.push({ row: 1, column: i, code: "unknown_column", value: String(raw).trim() });
      columns.push(null);
    });
    plan.questions.forEach(function (q) {
      if (seen[q.id] === undefined) errors.push({ row: 1, column: null, question: q.id, code: "missing_column" });
    });
    return columns;
  }

  var PLAIN_NUMBER = /^\d{1,7}(\.\d{1,3})?$/;  // most figures: read without normalising

  function optionsOf(q) {
    // Each option by its width-insensitive form, made once per question (not once per cell).
    if (!q._options) {
      q._options = {};
      q.options.forEach(function (o) { q._options[norm(o)] = o; });
    }
    return q._options;
  }

  function readCell(q, raw, doctors, push) {
    if (raw === "") return null;
    if (q.answer === "numeric" && PLAIN_NUMBER.test(raw) && (q.id !== doctors || raw.indexOf(".") < 0)) {
      var plain = Number(raw);
      if (plain <= (q.id === doctors ? MAX_DOCTORS : MAX_FIGURE)) return plain;
    }
    if (q.answer === "single" && q.options.indexOf(raw) >= 0) return raw;
    var cell = norm(raw);
    if (cell === "") return null;
    if (q.answer === "text") return String(raw).trim();
    if (q.answer === "area") {
      // one of the report's areas when written as it (width-insensitively), else the area as written
      for (var a = 0; a < q.options.length; a++) if (norm(q.options[a]) === cell) return q.options[a];
      return String(raw).trim();
    }
    if (q.answer === "numeric") {
      var m = NUMBER.exec(cell);
      if (!m) { push(NEGATIVE.test(cell) ? "negative" : "not_number", cell); return null; }
      if (m[1] && m[1].length > MAX_DECIMALS) { push("decimals", cell); return null; }
      var value = Number(cell.replace(/,/g, ""));
      var whole = q.id === doctors;
      if (whole && !/^0*$/.test(m[1] || "")) { push("not_whole", cell); return null; }
      if (value > (whole ? MAX_DOCTORS : MAX_FIGURE)) { push(whole ? "too_many_doctors" : "too_large", cell); return null; }
      return value;
    }
    var options = optionsOf(q);
    if (q.answer === "single") {
      if (options[cell] !== undefined) return options[cell];
      push(NUMBER.test(cell) ? "number_for_option" : "unknown_option", cell);
      return null;
    }
    var parts = String(raw).split(MULTI).map(norm).filter(function (p) { return p !== ""; });
    var chosen = [];
    var bad = false;
    parts.forEach(function (p) {
      if (options[p] === undefined) { push(NUMBER.test(p) ? "number_for_option" : "unknown_option", p); bad = true; return; }
      if (chosen.indexOf(options[p]) >= 0) { push("twice", p); bad = true; return; }
      chosen.push(options[p]);
    });
    return bad ? null : chosen;
  }

  function read(plan, bytes) {
    // → {encoding, rows: one object per clinic (question id → value), read, empty, errors}; errors as
    // {row (Excel's), column (index or null), question (id or null), code, value}; one per problem.
    var decoded = decode(bytes);
    if (decoded.error) return { errors: [{ row: null, column: null, code: decoded.error }], rows: [] };
    var text = decoded.text;
    var firstLine = text.split(/\r?\n/, 1)[0];
    var delimiter = firstLine.indexOf("\t") >= 0 && firstLine.indexOf(",") < 0 ? "\t" : ",";
    var parsed = parseCsv(text, delimiter);
    var records = parsed.records;
    var errors = [];
    if (!records.length || records[0].every(blank)) {
      return { errors: [{ row: 1, column: null, code: "no_header" }], rows: [] };
    }
    var columns = headerMap(plan, records[0], errors);
    var rows = [];
    var empty = 0;
    for (var r = 1; r < records.length; r++) {
      var cells = records[r];
      var excelRow = r + 1;
      if (cells.every(blank)) continue;  // blank rows Excel leaves at the end: not a form
      if (cells.length !== columns.length) {
        // Excel writes every row as wide as the sheet: a shorter row was cut, a longer one has cells beyond the header.
        errors.push({ row: excelRow, column: null, code: cells.length < columns.length ? "short_row" : "beyond_header" });
        continue;
      }
      var row = {};
      var answered = false;
      for (var c = 0; c < columns.length; c++) {
        var col = columns[c];
        var raw = c < cells.length ? cells[c] : "";
        if (col === null || col.ignored) continue;
        if (col.blank) {
          if (!blank(raw)) errors.push({ row: excelRow, column: c, code: "no_heading", value: norm(raw) });
          continue;
        }
        (function (q, column) {
          var value = readCell(q, raw, plan.doctors, function (code, v) {
            errors.push({ row: excelRow, column: column, question: q.id, code: code, value: v });
          });
          if (value !== null && !(Array.isArray(value) && !value.length)) answered = true;
          row[q.id] = value;
        })(col, c);
      }
      if (!answered && !errors.some(function (e) { return e.row === excelRow; })) { empty += 1; continue; }
      rows.push(row);
    }
    if (parsed.unclosed) errors.push({ row: records.length, column: null, code: "unclosed_quote" });
    if (!errors.length && !rows.length) errors.push({ row: 2, column: null, code: "no_forms" });
    return { encoding: decoded.encoding, rows: errors.length ? [] : rows, read: rows.length, empty: empty,
             errors: errors };
  }

  // ---- The tally, table by table (plan.py's specification). ----
  function present(v) { return v !== null && v !== undefined && !(Array.isArray(v) && !v.length); }

  function counts(t, rows) {
    var tally = {};
    var n = 0;
    rows.forEach(function (row) {
      var v = row[t.question];
      if (!present(v)) return;
      n += 1;
      (Array.isArray(v) ? v : [v]).forEach(function (o) { tally[o] = (tally[o] || 0) + 1; });
    });
    var items = t.items;
    if (t.areas) {
      // the report's areas in printed order, then the others by count (most first), then by their text
      var others = Object.keys(tally).filter(function (a) { return items.indexOf(a) < 0; });
      others.sort(function (a, b) { return tally[b] - tally[a] || (a < b ? -1 : a > b ? 1 : 0); });
      items = items.concat(others);
    }
    return { n: n, columns: ["item", "series", "count"],
             rows: items.map(function (item) { return [item, t.series[0], tally[item] || 0]; }) };
  }

  function matrix(t, plan, rows) {
    var byId = questionsById(plan);
    var out = [];
    t.questions.forEach(function (id) {
      var tally = {};
      rows.forEach(function (row) { var v = row[id]; if (present(v)) tally[v] = (tally[v] || 0) + 1; });
      t.series.forEach(function (s) { out.push([byId[id].item, s, tally[s] || 0]); });
    });
    var n = rows.filter(function (row) { return t.questions.some(function (id) { return present(row[id]); }); }).length;
    return { n: n, columns: ["item", "series", "count"], rows: out };
  }

  function doctorGroup(v, series) {
    if (!present(v) || v < 1) return null;
    return v < 2 ? series[0] : series[1];
  }

  function byDoctors(t, rows) {
    var tally = {};
    var n = 0;
    rows.forEach(function (row) {
      var a = row[t.question];
      var g = doctorGroup(row[t.doctors], t.series);
      if (!present(a) || g === null) return;
      n += 1;
      tally[a + "\u0000" + g] = (tally[a + "\u0000" + g] || 0) + 1;
    });
    var out = [];
    t.items.forEach(function (item) {
      t.series.forEach(function (s) { out.push([item, s, tally[item + "\u0000" + s] || 0]); });
    });
    return { n: n, columns: ["item", "series", "count"], rows: out };
  }

  function figure(row, id, perDoctor, doctors, memo) {
    // A clinic's figure as a decimal, divided by its doctors for a per-doctor row (none or below 1: not counted).
    // *memo*: the decimals already made, by figure and doctors (clinics share most figures).
    var v = row[id];
    if (!present(v)) return null;
    var d = null;
    if (perDoctor) {
      d = row[doctors];
      if (!present(d) || d < 1) return null;
    }
    var key = d === null ? String(v) : v + "/" + d;
    var x = memo && memo.get(key);
    if (!x) {
      x = d === null ? ofNumber(v) : div(ofNumber(v), ofNumber(d));
      x.f = Number(x.c) * Math.pow(10, x.e);  // for sorting: exact comparison only where floats come close
      if (memo) memo.set(key, x);
    }
    return x;
  }

  function ascending(x, y) {
    var a = x.f, b = y.f;
    if (a !== b && Math.abs(a - b) > 1e-9 * Math.max(Math.abs(a), Math.abs(b))) return a < b ? -1 : 1;
    return cmp(x, y);
  }

  function sum(values) {
    var total = { c: ZERO, e: 0 };
    values.forEach(function (v) { total = add(total, v); });
    return total;
  }

  function stats(t, rows) {
    var perDoctor = {};
    t.per_doctor.forEach(function (id) { perDoctor[id] = true; });
    var wanted = t.rows.concat(t.require.filter(function (id) { return t.rows.indexOf(id) < 0; }));
    var kept = [];
    var memo = new Map();
    rows.forEach(function (row) {
      if (t.keep) {
        var k = row[t.keep.question];
        if (!present(k) || (t.keep.below ? !(k < t.keep.limit) : !(k >= t.keep.limit))) return;
      }
      var figures = {};
      wanted.forEach(function (id) { figures[id] = figure(row, id, perDoctor[id], t.doctors, memo); });
      if (t.require.some(function (id) { return figures[id] === null; })) return;
      kept.push(figures);
    });
    var fmt = {};
    ["mean", "median", "min", "max"].forEach(function (c) { fmt[c] = formatter(t.format[c]); });
    var out = t.rows.map(function (id, i) {
      var col = kept.map(function (f) { return f[id]; }).filter(function (v) { return v !== null; });
      if (!col.length) return [t.labels[i], 0, "", "", "", ""];
      col.sort(ascending);
      var mid = col.length >> 1;
      var median = col.length % 2 ? col[mid] : div(add(col[mid - 1], col[mid]), dec("2"));
      var mean = div(sum(col), dec(String(col.length)));
      return [t.labels[i], col.length, fmt.mean(mean), fmt.median(median), fmt.min(col[0]), fmt.max(col[col.length - 1])];
    });
    var n = kept.filter(function (f) { return t.rows.some(function (id) { return f[id] !== null; }); }).length;
    return { n: n, columns: ["item", "n", "mean", "median", "min", "max"], rows: out };
  }

  function values(t, plan, rows) {
    var groups = t.series.slice(1);
    var frame = [];
    var memo = new Map();
    rows.forEach(function (row) {
      var a = row[t.intention];
      var g = doctorGroup(row[t.doctors], groups);
      var v = figure(row, t.figure, t.divide, t.doctors, memo);
      if (present(a) && g !== null && v !== null) frame.push({ answer: a, group: g, value: v });
    });
    var out = [];
    var clinics = [];  // how many clinics each mean is of (the page hides a mean of too few)
    t.items.forEach(function (item) {
      t.series.forEach(function (s, k) {
        var mine = frame.filter(function (f) { return f.answer === item && (k === 0 || f.group === s); });
        clinics.push(mine.length);
        if (!mine.length) { out.push([item, s, "", "該当無し"]); return; }
        var mean = quantize(div(sum(mine.map(function (f) { return f.value; })), dec(String(mine.length))), 1);
        out.push([item, s, mean, mean + t.unit]);
      });
    });
    return { n: frame.length, columns: ["item", "series", "value", "printed"], rows: out, clinics: clinics };
  }

  function percent(count, n) {
    // count × 100 / n to one decimal, half up, in whole numbers (exact).
    var tenths = Math.floor((2 * count * 1000 + n) / (2 * n));
    return (tenths / 10).toFixed(1);
  }

  var N_IN_LABEL = /\(n=\d+\)$/;

  function grouped(t, rows) {
    var a = t.pair[0];
    var b = t.pair[1];
    var members = [[], []];
    rows.forEach(function (row) {
      var chosen = row[t.question];
      if (!present(row[a]) || !present(row[b]) || !present(chosen)) return;
      members[row[a] === t.option && row[b] === t.option ? 0 : 1].push(chosen);
    });
    var groups = members.map(function (m, k) {
      var count = {};
      m.forEach(function (chosen) { chosen.forEach(function (o) { count[o] = (count[o] || 0) + 1; }); });
      return { label: t.series[k].replace(N_IN_LABEL, "(n=" + m.length + ")"), n: m.length, count: count };
    });
    var out = [];
    t.items.forEach(function (item) {
      groups.forEach(function (g) { out.push([item, g.label, g.n ? percent(g.count[item] || 0, g.n) : ""]); });
    });
    return { n: groups[0].n + groups[1].n, columns: ["item", "series", "percent"], rows: out,
             groups: groups.map(function (g) { return { label: g.label, n: g.n, count: g.count }; }) };
  }

  function questionsById(plan) {
    var byId = {};
    plan.questions.forEach(function (q) { byId[q.id] = q; });
    return byId;
  }

  function tally(plan, rows) {
    return plan.tables.map(function (t) {
      var result;
      if (t.op === "counts") result = counts(t, rows);
      else if (t.op === "matrix") result = matrix(t, plan, rows);
      else if (t.op === "by_doctors") result = byDoctors(t, rows);
      else if (t.op === "stats") result = stats(t, rows);
      else if (t.op === "values") result = values(t, plan, rows);
      else if (t.op === "grouped") result = grouped(t, rows);
      else throw new Error("unknown op " + t.op);
      result.id = t.id;
      return result;
    });
  }

  return { decode: decode, parseCsv: parseCsv, read: read, tally: tally, percent: percent,
           decimal: { dec: dec, add: add, div: div, cmp: cmp, quantize: quantize, formatter: formatter } };
});
