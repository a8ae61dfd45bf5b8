/*
 * Site search (issue 4).  Needs tokenize.js (window.CasebookTokenize) and lunr.js 2.3.9.
 *
 * DOM hooks (templates/search.html):
 *   <div data-module="search"
 *        data-index-src="../search/index.js"   URL of the index manifest script (required)
 *        data-root="../"                        prefix that turns a site-relative URL into a link
 *        data-lunr-src="../vendor/lunr/lunr.min.js"  optional; default: vendor/lunr/lunr.min.js
 *                                               next to the folder holding this script (js/)
 *        data-tokenize-src="…"                  optional; only used if tokenize.js is not loaded yet
 *        data-kind-region="事例" data-kind-model="モデル" data-kind-survey="調査"
 *        data-kind-page="解説">                  optional labels of result kinds
 *     <form …><input name="q" type="search"> <button type="submit">…</button></form>
 *     <p data-nojs>…needs JavaScript…</p>      hidden by this script
 *     <p data-status role="status" aria-live="polite"></p>   count and state, announced
 *     <ol data-results></ol>                    results: <li class="search-result"> with a link
 *   </div>                                      (.search-result__title), a kind badge
 *                                               (.search-result__kind), a snippet with <mark>
 *                                               (.search-result__snippet) and key figures
 *                                               (<dl class="search-result__figures">); then a
 *                                               "more" <button class="search__more"> if needed.
 * Behaviour: the index is loaded on first focus/input (or at once when ?q= is given); results
 * follow typing (input + compositionend, never while an IME is composing); ?q= is kept in the
 * address bar; ArrowDown in the box moves to the results, ArrowUp/ArrowDown move between them,
 * Escape clears.  Data scripts are added as <script src>, so it works from file:// and under a
 * CSP without 'unsafe-inline'/'unsafe-eval'.  Everything shown is built with text nodes.
 *
 * Node: require('./search.js').createEngine({lunr, tokenizer, loadScript}) runs the same engine.
 */
(function (root) {
  'use strict';

  var K1 = 1.2, B = 0.75, PAGE = 20, MAX_BLOCKS = 40, SNIPPET_BEFORE = 30, SNIPPET_LENGTH = 110;

  function store() {
    var g = typeof globalThis !== 'undefined' ? globalThis : root;
    var d = g.CasebookSearchData = g.CasebookSearchData || { shards: {}, blocks: {}, terms: {} };
    d.terms = d.terms || {};
    return d;
  }

  function parseB36List(s) {
    if (!s) return [];
    return s.split(',').map(function (x) { return parseInt(x, 36); });
  }

  /*
   * Engine.  opts: lunr, tokenizer (tokenize.js API), loadScript(name) → Promise that
   * resolves once the data script `name` (relative to the index script) has run, and
   * manifestName (default 'index.js').
   */
  function createEngine(opts) {
    var lunr = opts.lunr, tok = opts.tokenizer;
    var manifest = null, manifestPromise = null;
    var shardIndex = {}, shardPromise = {}, blockPromise = {};
    var docs = [], normCache = {};
    var fieldBoost = {}, primary = {};

    function loadManifest() {
      if (!manifestPromise) {
        manifestPromise = opts.loadScript(opts.manifestName || 'index.js').then(function () {
          manifest = store().manifest;
          if (!manifest) throw new Error('search index did not load');
          manifest.fields.forEach(function (f, i) { fieldBoost[f] = manifest.boosts[i]; });
          manifest.primary.forEach(function (f) { primary[f] = true; });
          manifest.lensArray = parseB36List(manifest.lens);
          var nf = manifest.fields.length, n = manifest.n;
          manifest.avg = manifest.fields.map(function (f, fi) {
            var sum = 0;
            for (var d = 0; d < n; d++) sum += manifest.lensArray[d * nf + fi];
            return n ? sum / n : 0;
          });
          return manifest;
        });
      }
      return manifestPromise;
    }

    // Rebuild the lunr.Index of one term shard (the same vectors lunr.py computed).
    function buildIndex(data, terms) {
      var fields = manifest.fields, nf = fields.length, n = manifest.n;
      var posts = data.p ? data.p.split(' ') : [];
      var inverted = Object.create(null), vectors = Object.create(null);
      for (var ti = 0; ti < terms.length; ti++) {
        var posting = { _index: ti };
        for (var f = 0; f < nf; f++) posting[fields[f]] = Object.create(null);
        var entries = posts[ti].split(','), fr = 0, list = [];
        for (var e = 0; e < entries.length; e++) {
          var parts = entries[e].split('.');
          fr += parseInt(parts[0], 36);
          list.push(fr, parts.length > 1 ? parseInt(parts[1], 36) : 1);
        }
        var df = list.length / 2;
        var idf = Math.log(1 + Math.abs((n - df + 0.5) / (df + 0.5)));
        for (var k = 0; k < list.length; k += 2) {
          var ref = list[k], tf = list[k + 1];
          var doc = Math.floor(ref / nf), fi = ref % nf, field = fields[fi];
          posting[field][doc] = {};
          var len = manifest.lensArray[ref], avg = manifest.avg[fi] || 1;
          var score = idf * ((K1 + 1) * tf) / (K1 * (1 - B + B * (len / avg)) + tf);
          score = Math.round(score * manifest.boosts[fi] * 1000) / 1000;
          var key = field + '/' + doc;
          (vectors[key] = vectors[key] || []).push(ti, score);
        }
        inverted[terms[ti]] = posting;
      }
      var fieldVectors = Object.create(null);
      Object.keys(vectors).forEach(function (key) { fieldVectors[key] = new lunr.Vector(vectors[key]); });
      return new lunr.Index({
        invertedIndex: inverted,
        fieldVectors: fieldVectors,
        tokenSet: lunr.TokenSet.fromArray(terms),
        fields: fields.slice(),
        pipeline: new lunr.Pipeline()
      });
    }

    // FNV-1a over UTF-16 code units (term_hash in casebook/search.py).
    function termHash(terms) {
      var s = terms.join(' '), h = 0x811C9DC5;
      for (var i = 0; i < s.length; i++) {
        h ^= s.charCodeAt(i);
        h = Math.imul(h, 0x01000193) >>> 0;
      }
      return h;
    }

    // Shard of a term or prefix: its first character's own shard, or a hashed one.
    function shardOf(term) {
      var own = manifest.own || {}, cp = term.codePointAt(0);
      var first = String.fromCodePoint(cp);
      if (Object.prototype.hasOwnProperty.call(own, first)) return own[first];
      var base = Object.keys(own).length;
      return base + tok.shardOf(term, manifest.hashed || manifest.shards.length);
    }

    // Eager sites ship no term list: it is every term of every text, sorted as JS sorts.
    function termsFromText(s) {
      var set = Object.create(null), nshards = manifest.shards.length;
      for (var d = 0; d < manifest.n; d++) {
        var nf = normFields(d);
        for (var f in nf) {
          var ts = tok.tokenizeNormalized(nf[f].norm);
          for (var i = 0; i < ts.length; i++) {
            if (nshards === 1 || shardOf(ts[i]) === s) set[ts[i]] = true;
          }
        }
      }
      return Object.keys(set).sort();
    }

    function loadShard(s) {
      if (!shardPromise[s]) {
        var ready = manifest.eager ? loadDocs(allDocs()) : Promise.resolve();
        shardPromise[s] = ready.then(function () {
          return opts.loadScript(manifest.shards[s]);
        }).then(function () {
          var data = store().shards[s];
          if (data.t !== undefined) return [data, data.t ? data.t.split(' ') : []];
          var terms = termsFromText(s);
          if (terms.length === data.c && termHash(terms) === data.h) return [data, terms];
          // This browser tokenizes differently (another Unicode version?): use the list.
          return opts.loadScript(manifest.termFiles[s]).then(function () {
            var t = store().terms[s];
            return [data, t ? t.split(' ') : []];
          });
        }).then(function (pair) {
          shardIndex[s] = buildIndex(pair[0], pair[1]);
          delete store().shards[s];
          delete store().terms[s];
          return shardIndex[s];
        });
      }
      return shardPromise[s];
    }

    function allDocs() {
      var all = [];
      for (var d = 0; d < manifest.n; d++) all.push(d);
      return all;
    }

    function blockOf(doc) {
      var starts = manifest.blockStarts, lo = 0, hi = starts.length - 1;
      while (lo < hi) {
        var mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= doc) lo = mid; else hi = mid - 1;
      }
      return lo;
    }

    function loadedBlocks() { return Object.keys(blockPromise).length; }

    function loadBlock(b) {
      if (!blockPromise[b]) {
        blockPromise[b] = opts.loadScript(manifest.blocks[b]).then(function () {
          var recs = store().blocks[b], start = manifest.blockStarts[b];
          for (var i = 0; i < recs.length; i++) {
            var r = recs[i];
            docs[start + i] = { index: start + i, id: r[0], url: r[1], kind: r[2], title: r[3],
                                summary: r[4], fields: r[5] };
          }
          delete store().blocks[b];
        });
      }
      return blockPromise[b];
    }

    function loadDocs(list) {
      var need = {};
      list.forEach(function (d) { need[blockOf(d)] = true; });
      return Promise.all(Object.keys(need).map(function (b) { return loadBlock(+b); }));
    }

    function normFields(d) {
      if (!normCache[d]) {
        var out = {}, fields = docs[d].fields;
        Object.keys(fields).forEach(function (f) { out[f] = tok.normalizeWithMap(fields[f]); });
        normCache[d] = out;
      }
      return normCache[d];
    }

    // Every word literally in some field (normalized text).
    function verify(d, words) {
      var nf = normFields(d);
      return words.every(function (w) {
        for (var f in nf) { if (nf[f].norm.indexOf(w.text) >= 0) return true; }
        return false;
      });
    }

    function literalTier(d, words) {
      var nf = normFields(d);
      return words.every(function (w) {
        for (var f in nf) { if (primary[f] && nf[f].norm.indexOf(w.text) >= 0) return true; }
        return false;
      }) ? 1 : 0;
    }

    // Tier from lunr's match data when the text is not loaded yet.
    function matchTier(fieldsByTerm, words) {
      return words.every(function (w) {
        return w.clauses.length > 0 && w.clauses.every(function (c) {
          for (var term in fieldsByTerm) {
            if (term === c.term || (c.prefix && term.lastIndexOf(c.term, 0) === 0)) {
              for (var f in fieldsByTerm[term]) { if (primary[f]) return true; }
            }
          }
          return false;
        });
      }) ? 1 : 0;
    }

    function snippet(d, words) {
      var nf = normFields(d), fields = manifest.fields, best = null;
      var order = fields.filter(function (f) { return f !== 'title'; }).concat(['title']);
      for (var i = 0; i < order.length; i++) {
        var f = order[i];
        if (!nf[f]) continue;
        var hits = words.filter(function (w) { return nf[f].norm.indexOf(w.text) >= 0; }).length;
        if (hits && (!best || hits > best.hits)) best = { field: f, hits: hits };
      }
      if (!best) return null;
      var m = nf[best.field], text = docs[d].fields[best.field], norm = m.norm;
      var first = norm.length;
      words.forEach(function (w) {
        var p = norm.indexOf(w.text);
        if (p >= 0 && p < first) first = p;
      });
      var a = Math.max(0, first - SNIPPET_BEFORE), b = Math.min(norm.length, a + SNIPPET_LENGTH);
      var start = m.starts[a], end = b > 0 ? m.ends[b - 1] : 0;
      var ranges = [];
      words.forEach(function (w) {
        if (!w.text) return;
        for (var p = norm.indexOf(w.text, a); p >= 0 && p < b; p = norm.indexOf(w.text, p + 1)) {
          var s = Math.max(m.starts[p], start), e = Math.min(m.ends[p + w.text.length - 1], end);
          if (e > s) ranges.push([s - start, e - start]);
        }
      });
      ranges.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1]; });
      var merged = [];
      ranges.forEach(function (r) {
        var last = merged[merged.length - 1];
        if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
        else merged.push([r[0], r[1]]);
      });
      return { field: best.field, text: text.slice(start, end), ranges: merged,
               before: start > 0, after: end < text.length };
    }

    // Candidates from lunr: {doc: {score, fields: {term: {field: true}}}} or null (= all docs).
    function candidates(words) {
      var byShard = {}, any = false;
      words.forEach(function (w) {
        w.clauses.forEach(function (c) {
          var s = shardOf(c.term);
          (byShard[s] = byShard[s] || []).push(c);
          any = true;
        });
      });
      if (!any) return Promise.resolve(null);
      var shards = Object.keys(byShard);
      return Promise.all(shards.map(function (s) { return loadShard(+s); })).then(function () {
        var found = null;
        shards.forEach(function (s) {
          var clauses = byShard[s], hits = {};
          var results = shardIndex[s].query(function (q) {
            clauses.forEach(function (c) {
              q.term(c.term, {
                usePipeline: false,
                wildcard: c.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE,
                presence: lunr.Query.presence.REQUIRED
              });
            });
          });
          results.forEach(function (r) {
            var prev = found ? found[r.ref] : null;
            if (found && !prev) return;
            var info = prev || { score: 0, fields: {} };
            info.score += r.score;
            var meta = r.matchData.metadata;
            Object.keys(meta).forEach(function (term) {
              var fs = info.fields[term] = info.fields[term] || {};
              Object.keys(meta[term]).forEach(function (f) { fs[f] = true; });
            });
            hits[r.ref] = info;
          });
          found = hits;
        });
        return found;
      });
    }

    /*
     * search(query, {limit}) → Promise of {query, words, total, exact, results, more}.
     * results: [{id, url, kind, title, summary, score, tier, snippet}] (snippet may be null).
     * exact is false only on big (lazily loaded) sites while candidates are unverified;
     * total is then an upper bound.
     */
    function search(query, options) {
      var limit = (options && options.limit) || PAGE;
      return loadManifest().then(function () {
        var words = tok.queryWords(query || '');
        var empty = { query: query, words: words, total: 0, exact: true, results: [], more: false };
        if (!words.length) return empty;
        var needVerify = words.some(function (w) { return !w.exact; });
        return candidates(words).then(function (found) {
          if (found === null) {
            if (!manifest.eager) { empty.unsupported = true; return empty; }
            found = {};
            for (var d = 0; d < manifest.n; d++) found[d] = { score: 0, fields: {} };
          }
          var list = Object.keys(found).map(function (ref) {
            return { doc: +ref, score: found[ref].score, tier: matchTier(found[ref].fields, words) };
          });
          return loadDocs(manifest.eager ? allDocs() : []).then(function () {
            if (manifest.eager) {
              if (needVerify) list = list.filter(function (c) { return verify(c.doc, words); });
              list.forEach(function (c) { c.tier = literalTier(c.doc, words); });
            }
            list.sort(function (x, y) { return y.tier - x.tier || y.score - x.score || x.doc - y.doc; });
            return collect(list, words, limit, needVerify && !manifest.eager);
          });
        }).then(function (out) {
          out.query = query;
          out.words = words;
          return out;
        });
      });
    }

    // Take results in order until `limit` are verified, loading their blocks batch by batch.
    // A lazy site stops verifying after MAX_BLOCKS more blocks; the count is then an estimate.
    function collect(list, words, limit, lazyVerify) {
      var shown = [], pos = 0, budget = loadedBlocks() + MAX_BLOCKS;
      function step() {
        if (shown.length >= limit || pos >= list.length) return Promise.resolve();
        if (lazyVerify && loadedBlocks() >= budget) return Promise.resolve();
        var batch = list.slice(pos, pos + Math.max(limit - shown.length, 4));
        pos += batch.length;
        return loadDocs(batch.map(function (c) { return c.doc; })).then(function () {
          batch.forEach(function (c) {
            if (!lazyVerify || verify(c.doc, words)) shown.push(c);
          });
          return step();
        });
      }
      return step().then(function () {
        var rejected = pos - shown.length;
        var total = list.length - rejected;
        if (pos < list.length && pos > 0) {  // estimate the rest with the rate seen so far
          total = shown.length + Math.round((list.length - pos) * shown.length / pos);
        }
        shown = shown.slice(0, limit);
        return {
          total: total,
          exact: !lazyVerify || pos >= list.length,
          more: pos < list.length || total > shown.length,
          results: shown.map(function (c) {
            var d = docs[c.doc];
            return { id: d.id, url: d.url, kind: d.kind, title: d.title, summary: d.summary,
                     score: c.score, tier: c.tier, snippet: snippet(c.doc, words) };
          })
        };
      });
    }

    return {
      search: search,
      load: loadManifest,
      // For tests: the rebuilt lunr index of shard s.
      shard: function (s) { return loadManifest().then(function () { return loadShard(s); }); },
      manifest: function () { return manifest; }
    };
  }

  // ---------------------------------------------------------------------------------------
  // Browser

  function loadScriptTag(src) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement('script');
      el.src = src;
      el.async = true;
      el.onload = function () { resolve(); };
      el.onerror = function () { reject(new Error('could not load ' + src)); };
      document.head.appendChild(el);
    });
  }

  var SCRIPT_SRC = (typeof document !== 'undefined' && document.currentScript) ?
    document.currentScript.src : '';

  function absolute(url, base) {
    try { return new URL(url, base).href; } catch (e) { return url; }
  }

  function enhance(box) {
    var form = box.querySelector('form');
    var input = form && form.querySelector('[name="q"]');
    var status = box.querySelector('[data-status]');
    var list = box.querySelector('[data-results]');
    if (!form || !input || !status || !list) return;
    var nojs = box.querySelectorAll('[data-nojs]');
    for (var i = 0; i < nojs.length; i++) nojs[i].hidden = true;

    var pageUrl = document.location.href;
    var indexSrc = absolute(box.getAttribute('data-index-src') || '../search/index.js', pageUrl);
    var rootPrefix = box.getAttribute('data-root');
    if (rootPrefix === null) rootPrefix = '../';
    var lunrSrc = box.getAttribute('data-lunr-src') ?
      absolute(box.getAttribute('data-lunr-src'), pageUrl) :
      absolute('../vendor/lunr/lunr.min.js', SCRIPT_SRC || pageUrl);
    var tokSrc = box.getAttribute('data-tokenize-src') ?
      absolute(box.getAttribute('data-tokenize-src'), pageUrl) :
      absolute('tokenize.js', SCRIPT_SRC || pageUrl);
    var kinds = {
      region: box.getAttribute('data-kind-region') || '事例',
      model: box.getAttribute('data-kind-model') || 'モデル',
      survey: box.getAttribute('data-kind-survey') || '調査',
      page: box.getAttribute('data-kind-page') || '解説'
    };

    var engine = null, enginePromise = null, seq = 0, timer = null, limit = PAGE, lastQuery = null;

    function getEngine() {
      if (!enginePromise) {
        setStatus('検索の準備をしています…', true);
        var libs = [];
        if (!root.lunr) libs.push(loadScriptTag(lunrSrc));
        if (!root.CasebookTokenize) libs.push(loadScriptTag(tokSrc));
        enginePromise = Promise.all(libs).then(function () {
          engine = createEngine({
            lunr: root.lunr,
            tokenizer: root.CasebookTokenize,
            manifestName: indexSrc,
            loadScript: function (name) { return loadScriptTag(absolute(name, indexSrc)); }
          });
          return engine.load().then(function () { return engine; });
        });
        enginePromise.catch(function () {
          enginePromise = null;
          setStatus('検索用データを読み込めませんでした。', false);
        });
      }
      return enginePromise;
    }

    function setStatus(text, busy) {
      status.textContent = text;
      if (busy) box.setAttribute('aria-busy', 'true'); else box.removeAttribute('aria-busy');
    }

    function keepQueryInUrl(q) {
      try {
        var url = new URL(document.location.href);
        if (q) url.searchParams.set('q', q); else url.searchParams.delete('q');
        if (url.href !== document.location.href) history.replaceState(null, '', url.href);
      } catch (e) { /* file:// in some browsers refuses replaceState: the search still works */ }
    }

    function el(tag, className, text) {
      var node = document.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined && text !== null) node.appendChild(document.createTextNode(String(text)));
      return node;
    }

    function renderSnippet(sn) {
      var p = el('p', 'search-result__snippet');
      if (sn.before) p.appendChild(document.createTextNode('…'));
      var at = 0;
      sn.ranges.forEach(function (r) {
        if (r[0] > at) p.appendChild(document.createTextNode(sn.text.slice(at, r[0])));
        p.appendChild(el('mark', null, sn.text.slice(r[0], r[1])));
        at = r[1];
      });
      if (at < sn.text.length) p.appendChild(document.createTextNode(sn.text.slice(at)));
      if (sn.after) p.appendChild(document.createTextNode('…'));
      return p;
    }

    function render(out) {
      while (list.firstChild) list.removeChild(list.firstChild);
      var old = box.querySelector('.search__more');
      if (old) old.parentNode.removeChild(old);
      out.results.forEach(function (r) {
        var li = el('li', 'search-result search-result--' + r.kind);
        var head = el('p', 'search-result__head');
        head.appendChild(el('span', 'search-result__kind', kinds[r.kind] || r.kind));
        head.appendChild(document.createTextNode(' '));
        var a = el('a', 'search-result__title', r.title);
        a.href = rootPrefix + r.url;
        head.appendChild(a);
        li.appendChild(head);
        if (r.snippet && r.snippet.field !== 'title') li.appendChild(renderSnippet(r.snippet));
        var keys = Object.keys(r.summary || {});
        if (keys.length) {
          var dl = el('dl', 'search-result__figures');
          keys.forEach(function (k) {
            var div = el('div');
            div.appendChild(el('dt', null, k));
            div.appendChild(el('dd', null, r.summary[k]));
            dl.appendChild(div);
          });
          li.appendChild(dl);
        }
        list.appendChild(li);
      });
      if (out.more) {
        var more = el('button', 'button search__more', 'さらに表示');
        more.type = 'button';
        more.addEventListener('click', function () {
          limit += PAGE;
          var focusIndex = out.results.length;
          run(true).then(function () {
            var links = list.querySelectorAll('a');
            if (links[focusIndex]) links[focusIndex].focus();
          });
        });
        list.parentNode.insertBefore(more, list.nextSibling);
      }
      var q = out.query.trim();
      var count = out.exact ? out.total + '件' : '約' + out.total + '件';
      if (out.unsupported) setStatus('「' + q + '」は記号だけのため検索できません。', false);
      else if (!out.total) setStatus('「' + q + '」を含むページは見つかりませんでした。', false);
      else setStatus('「' + q + '」の検索結果：' + count +
                     (out.results.length < out.total ? '（' + out.results.length + '件を表示）' : ''), false);
    }

    function run(keepLimit) {
      var q = input.value;
      if (!keepLimit) limit = PAGE;
      keepQueryInUrl(q.trim());
      var mine = ++seq;
      if (!q.trim()) {
        while (list.firstChild) list.removeChild(list.firstChild);
        var old = box.querySelector('.search__more');
        if (old) old.parentNode.removeChild(old);
        setStatus('', false);
        lastQuery = q;
        return Promise.resolve();
      }
      return getEngine().then(function (e) {
        return e.search(q, { limit: limit });
      }).then(function (out) {
        if (mine !== seq) return;
        lastQuery = q;
        render(out);
      }, function () { /* status already says what failed */ });
    }

    function schedule() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(function () {
        timer = null;
        if (input.value !== lastQuery) run(false);
      }, 120);
    }

    input.addEventListener('focus', function () { getEngine(); });
    input.addEventListener('input', function (ev) {
      if (ev.isComposing) return;
      schedule();
    });
    input.addEventListener('compositionend', schedule);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (timer) { clearTimeout(timer); timer = null; }
      run(false);
    });
    input.addEventListener('keydown', function (ev) {
      if (ev.isComposing) return;
      if (ev.key === 'ArrowDown') {
        var first = list.querySelector('a');
        if (first) { ev.preventDefault(); first.focus(); }
      } else if (ev.key === 'Escape' && input.value) {
        input.value = '';
        run(false);
      }
    });
    list.addEventListener('keydown', function (ev) {
      if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return;
      var links = Array.prototype.slice.call(list.querySelectorAll('a'));
      var i = links.indexOf(document.activeElement);
      if (i < 0) return;
      ev.preventDefault();
      if (ev.key === 'ArrowDown' && i + 1 < links.length) links[i + 1].focus();
      else if (ev.key === 'ArrowUp') (i > 0 ? links[i - 1] : input).focus();
    });

    var initial = null;
    try { initial = new URL(document.location.href).searchParams.get('q'); } catch (e) { initial = null; }
    if (initial) {
      input.value = initial;
      run(false);
    }
  }

  var api = { createEngine: createEngine, enhance: enhance };
  if (typeof module === 'object' && module.exports) {
    module.exports = api;
  } else {
    root.CasebookSearch = api;
    if (typeof document !== 'undefined') {
      var start = function () {
        var boxes = document.querySelectorAll('[data-module="search"]');
        for (var i = 0; i < boxes.length; i++) enhance(boxes[i]);
      };
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
      else start();
    }
  }
})(typeof globalThis !== 'undefined' ? globalThis : this);
