// The local-survey page: reads the chosen responses file in the browser (survey-core.js), shows every problem at
// the row Excel shows, then the comparison with the report, a summary first, print and a CSV for Excel. The file
// never leaves the computer: nothing here makes a request. Without JS the page explains the other way (noscript).
(function () {
  "use strict";
  var SMALL = 5;     // fewer clinics than this: counts only, never a percentage
  var FEW = 20;      // fewer than this: the percentage is flagged as a small group
  var PRIVATE = 3;   // fewer clinics than this: no mean, median, min or max (they would show a clinic's figures)
  var TOP = 10;      // largest differences on the summary
  var LONG = 12;     // rows from which a table may continue on the next printed page rather than leave a gap

  function $(id) { return document.getElementById(id); }
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) { return values[k] !== undefined ? values[k] : m; });
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  // ---- Comparison on the report's base: 無回答 counted where the report counts it. ----
  var NO_ANSWER = "無回答";
  function present(v) { return v !== null && v !== undefined && !(Array.isArray(v) && !v.length); }

  function base(t, rows) {
    // The clinics the question was asked of: all read, or those whose earlier answer leads to it.
    if (!t.asked_if) return rows;
    return rows.filter(function (r) {
      var v = r[t.asked_if.question];
      return Array.isArray(v) ? v.indexOf(t.asked_if.option) >= 0 : v === t.asked_if.option;
    });
  }

  function reportCounts(t) {
    var cols = t.report.columns;
    var i = cols.indexOf("item"), s = cols.indexOf("series"), c = cols.indexOf("count");
    var out = {};
    t.report.rows.forEach(function (r) { out[r[i] + "\u0000" + r[s]] = r[c] === "" ? 0 : Number(r[c]); });
    return out;
  }

  function countViews(t, tally, rows, byId) {
    // One view per question (a matrix per printed row): rows of [label, own count, report count], each side's n.
    var report = reportCounts(t);
    var views = [];
    var asked = base(t, rows);
    if (t.op === "matrix") {
      t.questions.forEach(function (id, k) {
        var item = byId[id].item;
        var own = {}, n = 0;
        tally.rows.filter(function (r) { return r[0] === item; }).forEach(function (r) { own[r[1]] = r[2]; n += r[2]; });
        if (t.series.indexOf(NO_ANSWER) >= 0) {
          var blank = asked.filter(function (r) { return !present(r[id]); }).length;
          own[NO_ANSWER] += blank; n += blank;
        }
        var rn = 0;
        t.series.forEach(function (s) { rn += report[item + "\u0000" + s] || 0; });
        views.push({ title: t.title + "：" + item, n: n, rn: rn, rows: t.series.map(function (s) {
          return [s, own[s] || 0, report[item + "\u0000" + s] || 0];
        }) });
      });
      return views;
    }
    if (t.op === "by_doctors") {
      t.series.forEach(function (s, k) {
        var own = {}, n = 0, rn = 0;
        tally.rows.filter(function (r) { return r[1] === s; }).forEach(function (r) { own[r[0]] = r[2]; n += r[2]; });
        if (t.items.indexOf(NO_ANSWER) >= 0) {
          var blank = asked.filter(function (r) {
            var d = r[t.doctors];
            return present(d) && d >= 1 && (d < 2 ? 0 : 1) === k && !present(r[t.question]);
          }).length;
          own[NO_ANSWER] = (own[NO_ANSWER] || 0) + blank; n += blank;
        }
        t.items.forEach(function (i) { rn += report[i + "\u0000" + s] || 0; });
        views.push({ title: t.title + "：" + s, n: n, rn: rn, rows: t.items.map(function (i) {
          return [i, own[i] || 0, report[i + "\u0000" + s] || 0];
        }) });
      });
      return views;
    }
    var own = {};
    tally.rows.forEach(function (r) { own[r[0]] = r[2]; });
    var n = tally.n;
    if (t.items.indexOf(NO_ANSWER) >= 0) {
      var blank = asked.filter(function (r) { return !present(r[t.question]); }).length;
      own[NO_ANSWER] = (own[NO_ANSWER] || 0) + blank; n += blank;
    }
    return [{ title: t.title, n: n, rn: t.n, rows: tally.rows.map(function (r) {
      return [r[0], own[r[0]] || 0, report[r[0] + "\u0000" + t.series[0]] || 0];
    }) }];
  }

  function rate(count, n) { return n >= SMALL ? SurveyCore.percent(count, n) : null; }

  // ---- Rendering. ----
  function bar(value, side) {
    var b = el("span", { className: "survey-tally__bar survey-tally__bar--" + side, "aria-hidden": "true" });
    // Beside the figure, half the cell at 100 % (CSSOM, allowed under the page's CSP; no style attribute).
    b.style.width = Math.min(Number(value), 100) / 2 + "%";
    return b;
  }

  function countTable(v, S, ctx, id) {
    var table = el("table", { className: "data-table survey-tally__table" });
    table.appendChild(el("caption", { text: v.title }));
    var head = el("thead");
    head.appendChild(el("tr", {}, [el("th", { scope: "col", rowspan: "2", text: S.item }),
      el("th", { scope: "colgroup", colspan: "2", text: ctx.region + "（n=" + v.n + "）" }),
      el("th", { scope: "colgroup", colspan: "2", text: S.report + "（n=" + v.rn + "）" })]));
    head.appendChild(el("tr", {}, [S.count, S.percent, S.count, S.percent].map(function (h) {
      return el("th", { scope: "col", className: "num", text: h });
    })));
    table.appendChild(head);
    var body = el("tbody");
    v.rows.forEach(function (r) {
      var a = rate(r[1], v.n), b = rate(r[2], v.rn);
      body.appendChild(el("tr", {}, [el("th", { scope: "row", text: r[0] }),
        el("td", { className: "num", text: String(r[1]) }),
        el("td", { className: "num survey-tally__pct" }, [a === null ? null : bar(a, "own"), a === null ? "—" : a]),
        el("td", { className: "num", text: String(r[2]) }),
        el("td", { className: "num survey-tally__pct" }, [b === null ? null : bar(b, "report"), b === null ? "—" : b])]));
    });
    table.appendChild(body);
    var wrap = el("div", { className: "table-wrap", tabindex: "0", role: "region", "aria-label": v.title }, [table]);
    var notes = [];
    if (v.n < SMALL) notes.push(el("p", { className: "survey-tally__flag", text: S.small + "：" + fill(S.small_note, { min: SMALL }) }));
    else if (v.n < FEW) notes.push(el("p", { className: "survey-tally__flag", text: S.small + "：" + fill(S.few_note, { min: FEW }) }));
    return el("figure", { className: "survey-tally__figure" + (v.rows.length > LONG ? " survey-tally__figure--long" : ""), id: id },
              [wrap].concat(notes));
  }

  function matrixTable(t, views, S, ctx) {
    // A question asked row by row (a matrix): one row per printed row, each answer's % and count on both sides,
    // so that the table prints as a table, not as one figure per row.
    var table = el("table", { className: "data-table survey-tally__table survey-tally__table--matrix" });
    table.appendChild(el("caption", { text: t.title }));
    var head = el("thead");
    head.appendChild(el("tr", {}, [el("th", { scope: "col", rowspan: "2", text: S.item })].concat(t.series.map(function (s) {
      return el("th", { scope: "colgroup", colspan: "2", text: s });
    }))));
    var sides = [];
    t.series.forEach(function () {
      sides.push(el("th", { scope: "col", className: "num", text: ctx.region }));
      sides.push(el("th", { scope: "col", className: "num", text: S.report }));
    });
    head.appendChild(el("tr", {}, sides));
    table.appendChild(head);
    var body = el("tbody");
    var small = false;
    views.forEach(function (v) {
      var item = v.title.slice(t.title.length + 1);
      if (v.n < SMALL) small = true;
      var cells = [el("th", { scope: "row", text: item + "（n=" + v.n + "／" + v.rn + "）" })];
      v.rows.forEach(function (r) {
        var a = rate(r[1], v.n), b = rate(r[2], v.rn);
        cells.push(el("td", { className: "num", text: (a === null ? "—" : a) + "（" + r[1] + "）" }));
        cells.push(el("td", { className: "num", text: (b === null ? "—" : b) + "（" + r[2] + "）" }));
      });
      body.appendChild(el("tr", {}, cells));
    });
    table.appendChild(body);
    var parts = [el("div", { className: "table-wrap", tabindex: "0", role: "region", "aria-label": t.title }, [table]),
                 el("p", { className: "survey-tally__note", text: S.matrix_note })];
    if (small) parts.push(el("p", { className: "survey-tally__flag", text: S.small + "：" + fill(S.small_note, { min: SMALL }) }));
    return el("figure", { className: "survey-tally__figure" }, parts);
  }

  function statsTable(t, tally, S, ctx) {
    var heads = S.stats_headers;
    var table = el("table", { className: "data-table survey-tally__table survey-tally__table--stats" });
    table.appendChild(el("caption", { text: t.title }));
    table.appendChild(el("thead", {}, [el("tr", {}, [el("th", { scope: "col", text: S.item })].concat(heads.map(function (h) {
      return el("th", { scope: "col", className: "num", text: h });
    })))]));
    var cols = t.report.columns;
    var hidden = false;
    tally.rows.forEach(function (r, k) {
      var rep = t.report.rows[k] || [];
      var own = r.slice(1);
      if (r[1] > 0 && r[1] < PRIVATE) { own = [r[1], S.suppressed, S.suppressed, S.suppressed, S.suppressed]; hidden = true; }
      var body = el("tbody");
      body.appendChild(el("tr", {}, [el("th", { scope: "rowgroup", colspan: String(heads.length + 1), className: "survey-tally__item", text: r[0] })]));
      body.appendChild(el("tr", {}, [el("th", { scope: "row", text: ctx.region })].concat(own.map(function (c) {
        return el("td", { className: "num", text: String(c) });
      }))));
      body.appendChild(el("tr", {}, [el("th", { scope: "row", text: S.report })].concat(["n", "mean", "median", "min", "max"].map(function (c) {
        return el("td", { className: "num", text: String(rep[cols.indexOf(c)] === undefined ? "" : rep[cols.indexOf(c)]) });
      }))));
      table.appendChild(body);
    });
    var parts = [el("div", { className: "table-wrap", tabindex: "0", role: "region", "aria-label": t.title }, [table])];
    if (hidden) parts.push(el("p", { className: "survey-tally__flag", text: fill(S.suppressed_note, { min: PRIVATE }) }));
    return el("figure", { className: "survey-tally__figure" + (tally.rows.length > LONG / 3 ? " survey-tally__figure--long" : "") }, parts);
  }

  function valuesTable(t, tally, S, ctx) {
    var table = el("table", { className: "data-table survey-tally__table" });
    table.appendChild(el("caption", { text: t.title }));
    table.appendChild(el("thead", {}, [el("tr", {}, [el("th", { scope: "col", text: S.item }), el("th", { scope: "col", text: "" })]
      .concat(t.series.map(function (s) { return el("th", { scope: "col", className: "num", text: s }); })))]));
    var report = {};
    var cols = t.report.columns;
    t.report.rows.forEach(function (r) { report[r[cols.indexOf("item")] + "\u0000" + r[cols.indexOf("series")]] = r[cols.indexOf("printed")]; });
    var hidden = false;
    var body = el("tbody");
    t.items.forEach(function (item, i) {
      var own = t.series.map(function (s, k) {
        var at = i * t.series.length + k;
        var c = tally.clinics[at];
        if (c > 0 && c < PRIVATE) { hidden = true; return S.suppressed; }
        return tally.rows[at][3] + "（n=" + c + "）";
      });
      body.appendChild(el("tr", {}, [el("th", { scope: "row", rowspan: "2", text: item }), el("th", { scope: "row", text: ctx.region })]
        .concat(own.map(function (c) { return el("td", { className: "num", text: c }); }))));
      body.appendChild(el("tr", {}, [el("th", { scope: "row", text: S.report })].concat(t.series.map(function (s) {
        return el("td", { className: "num", text: report[item + "\u0000" + s] || "" });
      }))));
    });
    table.appendChild(body);
    var parts = [el("div", { className: "table-wrap", tabindex: "0", role: "region", "aria-label": t.title }, [table])];
    if (hidden) parts.push(el("p", { className: "survey-tally__flag", text: fill(S.suppressed_note, { min: PRIVATE }) }));
    return el("figure", { className: "survey-tally__figure" }, parts);
  }

  function groupedViews(t, tally) {
    var cols = t.report.columns;
    var N = /\(n=(\d+)\)$/;
    return tally.groups.map(function (g, k) {
      var series = t.series[k];
      var rn = Number((N.exec(series) || [0, 0])[1]);
      var report = {};
      t.report.rows.forEach(function (r) { if (r[cols.indexOf("series")] === series) report[r[cols.indexOf("item")]] = r[cols.indexOf("percent")]; });
      return { title: t.title + "：" + series.replace(N, ""), n: g.n, rn: rn, percentOnly: report,
               rows: t.items.map(function (i) { return [i, g.count[i] || 0, null]; }) };
    });
  }

  function groupedTable(v, S, ctx) {
    // The report prints only percentages here: its counts are shown as —.
    var fig = countTable({ title: v.title, n: v.n, rn: v.rn, rows: v.rows.map(function (r) { return [r[0], r[1], 0]; }) }, S, ctx);
    var cells = fig.querySelectorAll("tbody tr");
    v.rows.forEach(function (r, k) {
      var td = cells[k].querySelectorAll("td");
      td[2].textContent = "—";
      td[3].textContent = v.percentOnly[r[0]] || "";
      if (td[3].textContent) td[3].insertBefore(bar(td[3].textContent, "report"), td[3].firstChild);
    });
    return fig;
  }

  function respondents(plan) {
    // The report's respondents: the largest n it prints for a table.
    return plan.tables.reduce(function (m, t) { return t.n !== null && t.n > m ? t.n : m; }, 0);
  }

  function baseUnknown(t, total) {
    // A table asked of every clinic whose printed n is below the report's respondents: the report left clinics out
    // without saying which, yet counts a 無回答, so the region cannot be put on its base (compare.base_unknown).
    return (t.op === "counts" || t.op === "matrix" || t.op === "by_doctors") && t.n !== null && t.n < total && !t.asked_if;
  }

  function differences(all) {
    // The largest differences in points, both n at least SMALL, 無回答 and the tables whose base is unknown left out.
    var out = [];
    all.forEach(function (x) {
      if (x.baseUnknown) return;
      x.views.forEach(function (v) {
        if (v.n < SMALL || v.rn < SMALL) return;
        v.rows.forEach(function (r) {
          if (r[0] === NO_ANSWER) return;
          var a = SurveyCore.percent(r[1], v.n);
          var b = v.percentOnly ? v.percentOnly[r[0]] : SurveyCore.percent(r[2], v.rn);
          if (b === undefined || b === "") return;
          var d = Math.round((Number(a) - Number(b)) * 10) / 10;
          out.push({ title: v.title, item: r[0], a: a, b: b, count: r[1], rcount: v.percentOnly ? "—" : r[2], n: v.n, rn: v.rn, d: d, anchor: x.anchor });
        });
      });
    });
    out.sort(function (p, q) { return Math.abs(q.d) - Math.abs(p.d); });
    return out.slice(0, TOP);
  }

  function signed(d) { return (d > 0 ? "+" : d < 0 ? "−" : "±") + Math.abs(d).toFixed(1); }

  function render(plan, S, read, ctx) {
    var byId = {};
    plan.questions.forEach(function (q) { byId[q.id] = q; });
    var tallies = SurveyCore.tally(plan, read.rows);
    var results = $("survey-results");
    results.textContent = "";
    var running = el("div", { className: "survey-tally__running", text: fill(S.footer, ctx) });
    results.appendChild(running);
    document.documentElement.style.setProperty("--survey-running", JSON.stringify(fill(S.footer, ctx)));

    var total = respondents(plan);
    var computed = plan.tables.map(function (t, k) {
      var tally = tallies[k];
      var views = [];
      if (t.op === "counts" || t.op === "matrix" || t.op === "by_doctors") views = countViews(t, tally, read.rows, byId);
      else if (t.op === "grouped") views = groupedViews(t, tally);
      return { t: t, tally: tally, views: views, anchor: "result-" + t.id, baseUnknown: views.length > 0 && baseUnknown(t, total) };
    });

    // Summary: one printed page, first.
    var summary = el("section", { className: "survey-tally__summary", "aria-labelledby": "summary-title" });
    summary.appendChild(el("h2", { id: "summary-title", tabindex: "-1", text: ctx.region + " " + S.summary }));
    summary.appendChild(el("p", { className: "survey-tally__read", text: fill(S.read, { read: read.read, empty: read.empty, encoding: read.encoding }) }));
    summary.appendChild(el("h3", { text: S.sides }));
    summary.appendChild(el("ul", {}, [el("li", { text: fill(S.own_side, { region: ctx.region, month: ctx.month, read: read.read }) }), el("li", { text: S.report_side })]));
    summary.appendChild(el("p", { text: S.caveat_intro }));
    summary.appendChild(el("blockquote", { className: "survey-tally__caveat" }, [el("p", { text: S.caveat }), el("p", { className: "survey-tally__cite", text: S.caveat_cite })]));
    summary.appendChild(el("p", { text: fill(S.summary_lead, { min: SMALL }) }));
    var diffs = differences(computed);
    if (!diffs.length) summary.appendChild(el("p", { text: S.no_difference }));
    else {
      var dt = el("table", { className: "data-table survey-tally__table survey-tally__diffs" });
      dt.appendChild(el("caption", { text: S.summary }));
      dt.appendChild(el("thead", {}, [el("tr", {}, [S.item, ctx.region + "（%・件数/n）", S.report + "（%・件数/n）", S.difference + "（" + S.points + "）"].map(function (h, i) {
        return el("th", { scope: "col", className: i ? "num" : "", text: h });
      }))]));
      var body = el("tbody");
      diffs.forEach(function (d) {
        body.appendChild(el("tr", {}, [el("th", { scope: "row" }, [el("a", { href: "#" + d.anchor, text: d.title }), "：" + d.item]),
          el("td", { className: "num", text: d.a + "（" + d.count + "/" + d.n + "）" }),
          el("td", { className: "num", text: d.b + "（" + d.rcount + "/" + d.rn + "）" }),
          el("td", { className: "num", text: signed(d.d) })]));
      });
      dt.appendChild(body);
      summary.appendChild(el("div", { className: "table-wrap", tabindex: "0", role: "region", "aria-label": S.summary }, [dt]));
    }
    summary.appendChild(el("p", { className: "survey-tally__note", text: S.base_note }));
    var actions = el("p", { className: "survey-tally__actions" });
    var printButton = el("button", { type: "button", className: "survey-tally__button", text: S.print });
    printButton.addEventListener("click", function () { window.print(); });
    var csv = toCsv(computed, S, ctx);
    var link = el("a", { className: "survey-tally__download", href: URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" })),
                        download: S.download_name, text: S.download });
    actions.appendChild(printButton);
    actions.appendChild(document.createTextNode(" "));
    actions.appendChild(link);
    summary.appendChild(actions);
    results.appendChild(summary);

    // Sections.
    var sections = {};
    var order = [];
    computed.forEach(function (x) {
      if (!sections[x.t.section]) { sections[x.t.section] = []; order.push(x.t.section); }
      sections[x.t.section].push(x);
    });
    order.forEach(function (name, s) {
      var sec = el("section", { className: "survey-tally__section", "aria-labelledby": "section-" + s });
      sec.appendChild(el("h2", { id: "section-" + s, text: name }));
      sections[name].forEach(function (x) {
        var t = x.t;
        var block = el("section", { className: "survey-tally__block", id: x.anchor, "aria-labelledby": x.anchor + "-title" });
        block.appendChild(el("h3", { id: x.anchor + "-title", text: (t.number ? t.number + " " : "") + t.title }));
        if (x.baseUnknown) {
          // The report's n for this table is below its respondents and it does not say which clinics it left out.
          block.appendChild(el("p", { className: "survey-tally__note", text: fill(S.report_base_note, { n: t.n, all: total }) }));
        }
        if (t.op === "stats") block.appendChild(statsTable(t, x.tally, S, ctx));
        else if (t.op === "values") block.appendChild(valuesTable(t, x.tally, S, ctx));
        else if (t.op === "grouped") x.views.forEach(function (v) { block.appendChild(groupedTable(v, S, ctx)); });
        else if (t.op === "matrix") block.appendChild(matrixTable(t, x.views, S, ctx));
        else x.views.forEach(function (v, k) { block.appendChild(countTable(v, S, ctx, x.anchor + "-" + k)); });
        sec.appendChild(block);
      });
      if (name.indexOf("（６）") === 0) sec.appendChild(freeText(plan, read.rows, S));
      results.appendChild(sec);
    });
    results.hidden = false;
    document.body.classList.add("survey-tally--done");
    return computed;
  }

  function freeText(plan, rows, S) {
    var q = plan.questions.filter(function (x) { return x.answer === "text"; })[0];
    var answers = q ? rows.map(function (r) { return r[q.id]; }).filter(present) : [];
    answers.sort(function (a, b) { return a.localeCompare(b, "ja"); });
    var block = el("section", { className: "survey-tally__block survey-tally__free", id: "result-free-text", "aria-labelledby": "free-title" });
    block.appendChild(el("h3", { id: "free-title", text: "⑧ " + fill(S.free_text, { n: answers.length }) }));
    block.appendChild(el("p", { className: "survey-tally__note", text: S.free_text_note }));
    block.appendChild(el("ul", {}, answers.map(function (a) { return el("li", { text: a }); })));
    return block;
  }

  // ---- CSV for Japanese Excel: BOM, CRLF, n, count, % and the report's figures side by side. ----
  function cell(v) {
    var s = String(v === null || v === undefined ? "" : v);
    if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = "'" + s;  // never a formula in Excel
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function line(cells) { return cells.map(cell).join(",") + "\r\n"; }

  function toCsv(computed, S, ctx) {
    var out = "\ufeff" + line([S.region, ctx.region, S.month, ctx.month]);
    out += line(S.csv_header);
    computed.forEach(function (x) {
      x.views.forEach(function (v) {
        v.rows.forEach(function (r) {
          var own = rate(r[1], v.n);
          var theirs = v.percentOnly ? v.percentOnly[r[0]] : rate(r[2], v.rn);
          out += line([x.t.id, v.title, r[0], v.n, r[1], own === null ? "" : own, v.rn, v.percentOnly ? "" : r[2], theirs || ""]);
        });
      });
    });
    out += "\r\n" + line(S.csv_stats_header);
    computed.forEach(function (x) {
      if (x.t.op !== "stats") return;
      var cols = x.t.report.columns;
      x.tally.rows.forEach(function (r, k) {
        var rep = x.t.report.rows[k] || [];
        var own = r[1] > 0 && r[1] < PRIVATE ? [r[1], "", "", "", ""] : r.slice(1);
        out += line([x.t.id, x.t.title, r[0]].concat(own).concat(["n", "mean", "median", "min", "max"].map(function (c) { return rep[cols.indexOf(c)]; })));
      });
    });
    return out;
  }

  function showErrors(plan, S, errors) {
    var box = $("survey-errors");
    box.textContent = "";
    var byId = {};
    plan.questions.forEach(function (q) { byId[q.id] = q; });
    errors.sort(function (a, b) { return (a.row || 0) - (b.row || 0) || (a.column || 0) - (b.column || 0); });
    box.appendChild(el("p", { className: "survey-tally__errors-title", text: fill(S.errors_title, { n: errors.length }) }));
    box.appendChild(el("ul", {}, errors.map(function (e) {
      var message = fill(S.errors[e.code], { value: e.value, first: e.first === undefined ? "" : e.first + 1 });
      if (e.row === null) return el("li", { text: message });
      if (!e.question && (e.column === null || e.column === undefined)) return el("li", { text: fill(S.error_row, { row: e.row, message: message }) });
      var column = e.question ? fill(S.column_of, { heading: byId[e.question].heading })
        : fill(S.column_at, { n: (e.column || 0) + 1 });
      return el("li", { text: fill(S.error_line, { row: e.row, column: column, message: message }) });
    })));
    box.hidden = false;
    box.focus();
  }

  function start() {
    var root = document.querySelector("[data-module='survey-tally']");
    if (!root || !window.SurveyCore || !window.SurveyData) return;
    var plan = window.SurveyData.plan;
    var S = window.SurveyData.strings;
    var form = $("survey-form");
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var file = $("survey-file").files[0];
      if (!file) { $("survey-file").focus(); return; }
      var ctx = { region: $("survey-region").value.trim() || S.region_default,
                  month: $("survey-month").value.trim() || S.month_default };
      var reader = new FileReader();
      reader.onload = function () {
        // Marks for bench/survey_bench.py: reading the file, then tallying and drawing the results.
        performance.mark("survey-loaded");
        var read = SurveyCore.read(plan, new Uint8Array(reader.result));
        performance.mark("survey-read");
        $("survey-results").hidden = true;
        document.body.classList.remove("survey-tally--done");
        if (read.errors.length) { showErrors(plan, S, read.errors); return; }
        $("survey-errors").hidden = true;
        render(plan, S, read, ctx);
        performance.mark("survey-shown");
        $("summary-title").focus();
      };
      reader.readAsArrayBuffer(file);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
