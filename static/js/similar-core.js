// Closeness of regions: the twin of casebook/similar.py, operation for operation (see the docstring there).
// Usable in the browser (window.SimilarCore) and from node (module.exports); tests/test_similar.py runs both.
(function (root, factory) {
  "use strict";
  var core = factory();
  if (typeof module === "object" && module.exports) module.exports = core;
  else root.SimilarCore = core;
})(this, function () {
  "use strict";
  var FIGURES = ["total", "rate65", "rate75"];
  var NEAR = 0.5;
  var ROUND = 1e9;

  function feature(key, value) {
    return key === "total" ? Math.log(value) : Number(value);
  }

  function spreads(cases) {
    var out = {};
    var n = cases.length;
    FIGURES.forEach(function (key) {
      var acc = 0.0;
      cases.forEach(function (c) { acc += feature(key, c[key]); });
      var mean = acc / n;
      var sq = 0.0;
      cases.forEach(function (c) { var d = feature(key, c[key]) - mean; sq += d * d; });
      var sd = Math.sqrt(sq / n);
      out[key] = sd > 0 ? sd : 1.0;
    });
    return out;
  }

  function given(query, key) {
    var value = query[key];
    return value !== null && value !== undefined && typeof value === "number" && !isNaN(value) &&
      (key !== "total" || value > 0);
  }

  function compare(query, c, spread) {
    var total = 0.0;
    var count = 0;
    var reasons = [];
    FIGURES.forEach(function (key) {
      if (!given(query, key)) return;
      var z = (feature(key, query[key]) - feature(key, c[key])) / spread[key];
      total += z * z;
      count += 1;
      var verdict = Math.abs(z) <= NEAR ? "near" : (z < 0 ? "higher" : "lower");
      reasons.push({ key: key, verdict: verdict, query: query[key], "case": c[key] });
    });
    var wanted = (query.models || []).slice();
    if (wanted.length) {
      var shared = wanted.filter(function (code) { return c.models.indexOf(code) >= 0; });
      var missing = (wanted.length - shared.length) / wanted.length;
      total += missing * missing;
      count += 1;
      reasons.push({ key: "models", verdict: shared.length ? "shared" : "none", codes: shared });
    }
    var distance = count ? Math.sqrt(total / count) : 0.0;
    return { slug: c.slug, number: c.number, distance: distance, key: Math.floor(distance * ROUND + 0.5), reasons: reasons };
  }

  function rank(query, cases, exclude) {
    var spread = spreads(cases);
    var results = cases.filter(function (c) { return c.slug !== exclude; })
      .map(function (c) { return compare(query, c, spread); });
    results.sort(function (a, b) { return a.key - b.key || a.number - b.number; });
    return results;
  }

  return { FIGURES: FIGURES, NEAR: NEAR, spreads: spreads, compare: compare, rank: rank };
});
