/*
 * The search engine (createEngine): what the worker (search-worker.js), the page without a worker
 * (search.js) and node (tests/js/search_cli.js) run.  It needs lunr.js 2.3.9 and tokenize.js
 * (CasebookTokenize), and search-readings.js (CasebookReadings) for a kana query or a query
 * without results.
 *
 * Index: each term shard is lunr.py's serialized index for its terms, given to lunr.Index.load;
 * nothing of the index is built here.  A query loads the shards of its terms' first characters
 * and the document blocks of the results it checks and shows (casebook/search/shards.py).
 * Readings: a kana query also finds the written forms whose reading it spells (みとり → 看取り);
 * a query with no result tries variant spellings and then offers near site words.
 *
 * Node: require('./search-engine.js').createEngine({lunr, tokenizer, loadScript, readingsCode}).
 * Browser/worker: CasebookSearchEngine.createEngine.
 */
(function (root) {
  'use strict';

  var PAGE = 20, VERIFY_ALL = 40, MAX_BLOCKS = 40, SNIPPET_BEFORE = 30, SNIPPET_LENGTH = 110;

  function store() {
    var g = typeof globalThis !== 'undefined' ? globalThis : root;
    var d = g.CasebookSearchData = g.CasebookSearchData || { shards: {}, blocks: {}, lists: {} };
    d.lists = d.lists || {};
    return d;
  }

  /*
   * Engine.  opts: lunr, tokenizer (tokenize.js API), loadScript(name) → Promise that
   * resolves once the data script `name` (relative to the index script) has run,
   * readingsCode() → Promise of the CasebookReadings module (search-readings.js; without it
   * there is no search by reading), and manifestName (default 'index.js').
   */
  function createEngine(opts) {
    var lunr = opts.lunr, tok = opts.tokenizer;
    var manifest = null, manifestPromise = null;
    var shardIndex = {}, shardPromise = {}, blockPromise = {}, listPromise = {};
    var docs = [], normCache = {}, pairs = Object.create(null), wordsOf = {}, recent = [];
    var primary = {};

    function loadManifest() {
      if (!manifestPromise) {
        manifestPromise = opts.loadScript(opts.manifestName || 'index.js').then(function () {
          manifest = store().manifest;
          if (!manifest) throw new Error('search index did not load');
          manifest.primary.forEach(function (f) { primary[f] = true; });
          return manifest;
        });
      }
      return manifestPromise;
    }

    /*
     * A term shard as lunr's serialized index (what lunr.py's Index.serialize() gives, restricted to
     * the shard's terms, which it numbers in their order), for lunr.Index.load.  The file carries
     * the terms (sorted as JavaScript sorts) and, per term, each field/document it occurs in with
     * lunr.py's score for it: casebook/search/shards.py, build_search_assets.
     */
    function serializedShard(data) {
      var fields = manifest.fields, nf = fields.length;
      var terms = data.t ? data.t.split(' ') : [], posts = data.p ? data.p.split(' ') : [];
      var inverted = new Array(terms.length), vectors = Object.create(null), refs = [];
      for (var ti = 0; ti < terms.length; ti++) {
        var posting = { _index: ti };
        for (var f = 0; f < nf; f++) posting[fields[f]] = {};
        var entries = posts[ti].split(','), fr = 0, where = null;
        for (var e = 0; e < entries.length; e++) {
          var parts = entries[e].split(':'), dot = parts[0].indexOf('.');
          fr += parseInt(parts[0].slice(0, dot), 36);
          var doc = Math.floor(fr / nf), field = fields[fr % nf], ref = field + '/' + doc;
          posting[field][doc] = {};
          if (!vectors[ref]) { vectors[ref] = []; refs.push(ref); }
          vectors[ref].push(ti, parseInt(parts[0].slice(dot + 1), 36) / 1000);
          if (parts.length > 1) {
            // Positions of a character pair in the field (not part of lunr's index): literal checks.
            var at = 0;
            where = where || (pairs[terms[ti]] = Object.create(null));
            where[fr] = parts[1].split('.').map(function (g) { at += parseInt(g, 36); return at; });
          }
        }
        inverted[ti] = [terms[ti], posting];
      }
      return {
        version: manifest.lunr,
        fields: fields.slice(),
        fieldVectors: refs.map(function (ref) { return [ref, vectors[ref]]; }),
        invertedIndex: inverted,
        pipeline: []
      };
    }

    // Shard of a term or prefix: its first character's own shard, or a hashed one.
    function shardOf(term) {
      var own = manifest.own || {}, cp = term.codePointAt(0);
      var first = String.fromCodePoint(cp);
      if (Object.prototype.hasOwnProperty.call(own, first)) return own[first];
      var base = Object.keys(own).length;
      return base + tok.shardOf(term, manifest.hashed || manifest.shards.length);
    }

    function loadShard(s) {
      if (!shardPromise[s]) {
        shardPromise[s] = opts.loadScript(manifest.shards[s]).then(function () {
          shardIndex[s] = lunr.Index.load(serializedShard(store().shards[s]));
          delete store().shards[s];
          return shardIndex[s];
        });
      }
      return shardPromise[s];
    }

    function blockOf(doc, starts) {
      var lo = 0, hi = starts.length - 1;
      while (lo < hi) {
        var mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= doc) lo = mid; else hi = mid - 1;
      }
      return lo;
    }

    function loadedBlocks() { return Object.keys(blockPromise).length; }

    function entry(d) {
      return docs[d] = docs[d] || { index: d, fields: null };
    }

    // List blocks: what a result shows but its snippet (id, url, kind, title, figures).
    function loadList(b) {
      if (!listPromise[b]) {
        listPromise[b] = opts.loadScript(manifest.lists[b]).then(function () {
          var recs = store().lists[b], start = manifest.listStarts[b];
          for (var i = 0; i < recs.length; i++) {
            var r = recs[i], doc = entry(start + i);
            doc.id = r[0]; doc.url = r[1]; doc.kind = r[2]; doc.title = r[3]; doc.summary = r[4];
          }
          delete store().lists[b];
        });
      }
      return listPromise[b];
    }

    // Text blocks: every indexed field but the title, for literal checks and snippets.
    function loadBlock(b) {
      if (!blockPromise[b]) {
        blockPromise[b] = opts.loadScript(manifest.blocks[b]).then(function () {
          var recs = store().blocks[b], start = manifest.blockStarts[b];
          for (var i = 0; i < recs.length; i++) entry(start + i).text = recs[i];
          delete store().blocks[b];
        });
      }
      return blockPromise[b];
    }

    function loadBlocks(list, starts, load) {
      var need = {};
      list.forEach(function (d) { need[blockOf(d, starts)] = true; });
      return Promise.all(Object.keys(need).map(function (b) { return load(+b); }));
    }

    function loadDocs(list) { return loadBlocks(list, manifest.listStarts, loadList); }

    function loadText(list) {
      return Promise.all([loadDocs(list), loadBlocks(list, manifest.blockStarts, loadBlock)]).then(function () {
        list.forEach(function (d) {
          var doc = docs[d];
          if (!doc.fields) {
            doc.fields = { title: doc.title };
            Object.keys(doc.text).forEach(function (f) { doc.fields[f] = doc.text[f]; });
          }
        });
      });
    }

    function hasText(d) { return !!(docs[d] && docs[d].fields); }

    function normFields(d) {
      if (!normCache[d]) {
        var out = {}, fields = docs[d].fields;
        Object.keys(fields).forEach(function (f) { out[f] = tok.normalizeWithMap(fields[f]); });
        normCache[d] = out;
      }
      return normCache[d];
    }

    // The character pairs of a word of one Japanese run (3+ characters), in order, or null: such a
    // word is in a field exactly where its pairs stand at consecutive token positions.
    function pairChain(w) {
      if (w.chain !== undefined) return w.chain;
      var chars = Array.from(w.text), chain = null;
      if (manifest.pairs && !w.exact && chars.length >= 3 && w.clauses.length === chars.length - 1) {
        chain = [];
        for (var i = 0; i < w.clauses.length; i++) {
          var c = w.clauses[i];
          if (c.prefix || c.term !== chars[i] + chars[i + 1]) { chain = null; break; }
          chain.push(c.term);
        }
      }
      w.chain = chain;
      return chain;
    }

    function chainIn(d, chain, onlyPrimary) {
      var nf = manifest.fields.length;
      for (var f = 0; f < nf; f++) {
        if (onlyPrimary && !primary[manifest.fields[f]]) continue;
        var fr = d * nf + f, first = pairs[chain[0]] && pairs[chain[0]][fr];
        if (!first) continue;
        for (var k = 0; k < first.length; k++) {
          var ok = true;
          for (var i = 1; i < chain.length && ok; i++) {
            var at = pairs[chain[i]] && pairs[chain[i]][fr];
            ok = !!at && at.indexOf(first[k] + i) >= 0;
          }
          if (ok) return true;
        }
      }
      return false;
    }

    // Words whose presence only the text can prove (several runs, symbols, long Latin words).
    function needsText(words) {
      return words.some(function (w) { return !w.exact && !pairChain(w); });
    }

    function literalIn(d, w, onlyPrimary) {
      var nf = normFields(d);
      for (var f in nf) { if ((!onlyPrimary || primary[f]) && nf[f].norm.indexOf(w.text) >= 0) return true; }
      return false;
    }

    // Every word in the document (the text loaded where needsText(words)).
    function verify(d, words) {
      return words.every(function (w) {
        if (w.exact) return true;
        var chain = pairChain(w);
        return chain ? chainIn(d, chain, false) : literalIn(d, w, false);
      });
    }

    // 1 when every word is in a title, name or headline.
    function tierOf(c) {
      return c.words.every(function (w) {
        var chain = pairChain(w);
        if (chain) return chainIn(c.doc, chain, true);
        if (!w.exact && hasText(c.doc)) return literalIn(c.doc, w, true);
        return matchTier(c.fields, [w]) === 1;
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

    // Sentences and lines of a normalized field: [start, end) in the normalized text.
    function segments(norm) {
      var out = [], start = 0;
      for (var i = 0; i <= norm.length; i++) {
        var c = norm.charAt(i);
        if (i === norm.length || c === '\n' || c === '。') {
          var end = c === '。' ? i + 1 : i;
          var a = start, b = end;
          while (a < b && /\s/.test(norm.charAt(a))) a++;
          while (b > a && /\s/.test(norm.charAt(b - 1))) b--;
          if (b > a) out.push([a, b]);
          start = end;
          if (c === '\n') start = i + 1;
        }
      }
      return out;
    }

    // One piece of a snippet: norm[a, b) of field f, cut to SNIPPET_LENGTH around the first hit.
    function piece(d, f, a, b, words, room) {
      var m = normFields(d)[f], norm = m.norm, text = docs[d].fields[f];
      var first = b;
      words.forEach(function (w) {
        var p = w.text ? norm.slice(a, b).indexOf(w.text) : -1;
        if (p >= 0 && a + p < first) first = a + p;
      });
      var cutBefore = false, cutAfter = false;
      if (b - a > room) {
        var from = first < b ? Math.max(a, first - SNIPPET_BEFORE) : a;
        cutBefore = from > a;
        a = from;
        if (b - a > room) { b = a + room; cutAfter = true; }
      }
      var start = m.starts[a], end = m.ends[b - 1];
      var ranges = [];
      words.forEach(function (w) {
        if (!w.text) return;
        for (var p = norm.indexOf(w.text, a); p >= 0 && p + w.text.length <= b; p = norm.indexOf(w.text, p + 1)) {
          var s = Math.max(m.starts[p], start), e = Math.min(m.ends[p + w.text.length - 1], end);
          if (e > s) ranges.push([s - start, e - start]);
        }
      });
      return { text: text.slice(start, end), ranges: ranges, before: cutBefore, after: cutAfter };
    }

    /*
     * The snippet of a result: the best-matching sentence or label (most query words, then the
     * field that weighs most), each phrase once; a short one (a diagram label) is followed by the
     * other matching labels, never by labels that do not match.  A document matched by its title
     * alone shows its first sentence.  Returns {field, text, ranges, before, after}; ranges are
     * UTF-16 offsets of the matches in text.
     */
    function snippet(d, words) {
      var nf = normFields(d), seen = {}, found = [], lead = null, leadAny = null;
      var order = manifest.fields.filter(function (f) { return f !== 'title' && nf[f]; });
      order.forEach(function (f, fi) {
        segments(nf[f].norm).forEach(function (seg, si) {
          var text = nf[f].norm.slice(seg[0], seg[1]);
          if (seen[text]) return;  // the same phrase twice (a label repeated, a headline repeated)
          seen[text] = true;
          var has = words.map(function (w) { return !!w.text && text.indexOf(w.text) >= 0; });
          var hits = has.filter(Boolean).length;
          var item = { f: f, fi: fi, si: si, a: seg[0], b: seg[1], hits: hits, has: has };
          if (hits) found.push(item);
          else if (!leadAny) leadAny = item;
          if (!hits && !lead && seg[1] - seg[0] >= 15) lead = item;  // a sentence, not a label
        });
      });
      lead = lead || leadAny;
      if (!found.length && !lead) return null;
      var byPlace = function (x, y) { return x.fi - y.fi || x.si - y.si; };
      var chosen = [];
      if (found.length) {
        // Greedy: the segment with the most query words, then those adding words not yet shown,
        // then the other matching ones while they fit.
        var covered = words.map(function () { return false; });
        var rest = found.slice();
        while (rest.length) {
          var gain = function (x) { return x.has.filter(function (h, i) { return h && !covered[i]; }).length; };
          rest.sort(function (x, y) { return gain(y) - gain(x) || y.hits - x.hits || byPlace(x, y); });
          var next = rest.shift();
          next.gain = gain(next);
          next.has.forEach(function (h, i) { if (h) covered[i] = true; });
          chosen.push(next);
        }
      } else {
        // Title only: the first sentence, or a short label and the labels after it.
        chosen = [lead];
        if (lead.b - lead.a < 15) {
          var segs = segments(nf[lead.f].norm);
          for (var k = lead.si + 1; k < segs.length && chosen.length < 4; k++) {
            if (segs[k][1] - segs[k][0] >= 3) chosen.push({ f: lead.f, a: segs[k][0], b: segs[k][1] });
          }
        }
      }
      var parts = [], room = SNIPPET_LENGTH, shown = {};
      for (var i = 0; i < chosen.length && room > 0; i++) {
        var len = chosen[i].b - chosen[i].a;
        var key = nf[chosen[i].f].norm.slice(chosen[i].a, chosen[i].b);
        if (shown[key]) continue;
        // A segment showing a query word not yet shown may be cut; other labels fit whole or not at all.
        if (i && len > room && !(chosen[i].gain && room >= 20)) continue;
        shown[key] = true;
        parts.push(piece(d, chosen[i].f, chosen[i].a, chosen[i].b, words, room));
        room -= len + 3;
      }
      var out = { field: chosen[0].f, text: '', ranges: [], before: parts[0].before,
                  after: parts[parts.length - 1].after };
      parts.forEach(function (p, i) {
        if (i) out.text += ' / ' + (p.before ? '…' : '');
        var at = out.text.length;
        p.ranges.forEach(function (r) { out.ranges.push([r[0] + at, r[1] + at]); });
        out.text += p.text + (p.after && i < parts.length - 1 ? '…' : '');
      });
      out.ranges.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1]; });
      var merged = [];
      out.ranges.forEach(function (r) {
        var last = merged[merged.length - 1];
        if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
        else merged.push([r[0], r[1]]);
      });
      out.ranges = merged;
      return out;
    }

    // Where the query words are in a result's title (UTF-16 ranges), for highlighting.
    function titleRanges(title, words) {
      var m = tok.normalizeWithMap(title), out = [];
      words.forEach(function (w) {
        if (!w.text) return;
        for (var p = m.norm.indexOf(w.text); p >= 0; p = m.norm.indexOf(w.text, p + 1)) {
          out.push([m.starts[p], m.ends[p + w.text.length - 1]]);
        }
      });
      out.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1]; });
      var merged = [];
      out.forEach(function (r) {
        var last = merged[merged.length - 1];
        if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
        else merged.push([r[0], r[1]]);
      });
      return merged;
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

    // ------------------------------------------------------------------------------------
    // Readings (casebook/readings.py): the site's words with their kana readings, and the code
    // that reads them (search-readings.js), loaded only for a kana query or a query without results.

    var readingsCode = null, readingShard = {}, shardReadings = {};
    var MAX_COMBOS = 12;
    var KANA_ONLY = /^[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc-\u30fe]+$/;

    // The reading shard of a kana word: the one of the first character of its reading key.
    function readingShardOf(text) { return tok.shardOf(tok.readingKey(text), manifest.readingShards.length); }

    // Readings for these kana words (their shards), or all of them (words === null: variant
    // spellings and suggestions, which may need any word of the site).
    function loadReadings(words) {
      if (!manifest.readings || !opts.readingsCode) return Promise.resolve(false);
      var want = [];
      if (words && manifest.readingShards && manifest.readingShards.length) {
        words.forEach(function (w) {
          var i = readingShardOf(w.text);
          if (want.indexOf(i) < 0) want.push(i);
        });
      } else want.push('all');
      readingsCode = readingsCode || opts.readingsCode();
      return readingsCode.then(function (code) {
        return Promise.all(want.map(function (i) {
          if (shardReadings.all) return null;
          if (!readingShard[i]) {
            var file = i === 'all' ? manifest.readings : manifest.readingShards[i];
            readingShard[i] = opts.loadScript(file).then(function () {
              var all = store().readings || {};
              shardReadings[i] = code.create(all[i], tok.readingKey);
              delete all[i];
            });
          }
          return readingShard[i];
        })).then(function () { return true; });
      });
    }

    function readingForms(q) {
      var shard = shardReadings.all || shardReadings[readingShardOf(q)];
      return shard ? shard.forms(q) : [];
    }

    function suggest(words) {
      return loadReadings(null).then(function (ready) {
        if (!ready) return [];
        return readingsCode.then(function (code) { return code.suggest(words, [shardReadings.all]); });
      });
    }

    var URL_KINDS = { region: 'case', model: 'model', survey: 'survey', page: 'page' };
    var docKind = null;

    function kindOf(d) {
      if (!docKind) {
        docKind = [];
        (manifest.docKinds || []).forEach(function (run) {
          for (var i = 0; i < run[1]; i++) docKind.push(run[0]);
        });
      }
      return docKind[d] || (docs[d] && docs[d].kind);
    }

    // Candidates of one word list from lunr (null: the query has no clause, e.g. symbols only).
    function core(words) {
      var needVerify = words.some(function (w) { return !w.exact; });
      return candidates(words).then(function (found) {
        if (found === null) return null;
        var list = Object.keys(found).map(function (ref) {
          return { doc: +ref, score: found[ref].score, fields: found[ref].fields, words: words };
        });
        return { list: list, lazyVerify: needVerify };
      });
    }

    // Candidates a literal check can settle without text (pairs at consecutive positions) are
    // checked at once, and so are a few that need their text (loaded for the results anyway): the
    // counts per kind and the total are then exact.
    function verifyAll(res) {
      var withText = res.list.filter(function (c) { return needsText(c.words); });
      if (res.lazyVerify && withText.length > VERIFY_ALL) {
        res.list.forEach(function (c) { c.tier = tierOf(c); });
        return Promise.resolve(res);
      }
      return loadText(withText.map(function (c) { return c.doc; })).then(function () {
        var list = res.list.filter(function (c) { return verify(c.doc, c.words); });
        list.forEach(function (c) { c.tier = tierOf(c); });
        return { list: list, lazyVerify: false };
      });
    }

    // Word lists to search: the query as typed, then with other forms in place of words.  An
    // alternative is {form, from, to, kind, entry}: `from` (part of the query word) was replaced by
    // `to`, giving the word `form`; kind 'reading' (a reading or a spelling the readings know),
    // 'variant' (the site spells the word in several ways) or 'glossary' (entry: its position).
    function combos(words, alternatives) {
      var out = [{ words: words, via: [] }];
      words.forEach(function (w, i) {
        var next = out.slice();
        out.forEach(function (combo) {
          alternatives[i].forEach(function (alt) {
            if (next.length >= MAX_COMBOS) return;
            var ws = combo.words.slice();
            ws[i] = tok.queryWords(alt.form)[0];
            next.push({ words: ws, via: combo.via.concat([alt]) });
          });
        });
        out = next;
      });
      return out;
    }

    /*
     * Other forms of a query word that need no readings: the spellings the site itself uses for one
     * word (manifest.variants: 駒ヶ根 and 駒ケ根) and the glossary's short forms and everyday words
     * (manifest.glossary: 訪看 and 訪問看護).  A form inside the word is replaced by each other form,
     * unless a longer form holding it is already there (ケアマネジャー holds ケアマネ).
     */
    function siteAlternatives(w) {
      var text = w.text, out = [], seen = {};
      seen[text] = true;
      function swap(forms, kind, entry) {
        forms.forEach(function (m) {
          if (!standsAlone(text, m)) return;
          var inside = forms.some(function (o) { return o !== m && o.indexOf(m) >= 0 && text.indexOf(o) >= 0; });
          if (inside) return;
          forms.forEach(function (o) {
            if (o === m) return;
            var form = text.split(m).join(o);
            if (seen[form]) return;
            seen[form] = true;
            out.push({ form: form, from: m, to: o, kind: kind, entry: entry });
          });
        });
      }
      (manifest.variants || []).forEach(function (group) { swap(group, 'variant', null); });
      (manifest.glossary || []).forEach(function (g, i) { swap([g[0]].concat(g[1]), 'glossary', i); });
      return out;
    }

    // Whether `form` is in `text` as a word of its own where it is written in katakana or Latin
    // letters (ケアマネ in ケアマネ会議, not in ケアマネージャー; msw, not in mswx).
    var KATA_OR_LATIN = /[\u30a1-\u30fa\u30fc-\u30fea-z0-9]/;
    function standsAlone(text, form) {
      for (var at = text.indexOf(form); at >= 0; at = text.indexOf(form, at + 1)) {
        var before = text.charAt(at - 1), after = text.charAt(at + form.length);
        var clash = (before && KATA_OR_LATIN.test(before) && KATA_OR_LATIN.test(form.charAt(0))) ||
          (after && KATA_OR_LATIN.test(after) && KATA_OR_LATIN.test(form.charAt(form.length - 1)));
        if (!clash) return true;
      }
      return false;
    }

    // The glossary entries behind the results, as help for the reader: [{short, long, kind, source}].
    function glossaryHelp(lists) {
      var used = {}, out = [];
      lists.forEach(function (c) {
        c.via.forEach(function (v) {
          if (v.kind !== 'glossary' || used[v.entry]) return;
          used[v.entry] = true;
          var g = manifest.glossary[v.entry];
          out.push({ short: g[0], long: g[1].join('』『'), kind: g[2], entry: v.entry, source: '' });
        });
      });
      return out;
    }

    /*
     * search(query, {limit, kind, snippets}) → Promise of {query, words, total, exact, results, more,
     * counts, suggestions}.  snippets: how many results get their snippet now (default: all shown).
     * results: [{id, doc, url, kind, title, summary, score, tier, snippet, via}]; via lists the
     * written forms searched in place of the query's ([{from: 'みとり', to: '看取り', kind: 'reading'}],
     * empty for a literal match).  help: the glossary entries used ({short, long, kind, source}).
     * notInReport: no result and no suggestion that has one.
     * counts: matches per kind (before the kind filter); total counts the filtered matches.
     * exact is false only on big (lazily loaded) sites while candidates are unverified;
     * total is then an upper bound.  suggestions: site words near a query without results.
     */
    function search(query, options) {
      var limit = (options && options.limit) || PAGE, kind = (options && options.kind) || null;
      var withSnippets = options && options.snippets !== undefined ? options.snippets : limit;
      if (kind && !URL_KINDS[kind]) kind = null;
      return loadManifest().then(function () {
        var words = tok.queryWords(query || '');
        var empty = { query: query, words: words, total: 0, exact: true, results: [], more: false,
                      counts: {}, suggestions: [], kind: kind };
        if (!words.length) return empty;
        var kanaWords = words.some(function (w) { return KANA_ONLY.test(w.text); });
        function run(withReadings) {
          var alternatives = words.map(function (w) {
            var alts = siteAlternatives(w), seen = {};
            alts.forEach(function (a) { seen[a.form] = true; });
            if (withReadings && (!kanaWords || KANA_ONLY.test(w.text))) {
              readingForms(w.text).forEach(function (form) {
                if (!seen[form]) alts.push({ form: form, from: w.text, to: form, kind: 'reading' });
              });
            }
            return alts;
          });
          var lists = combos(words, alternatives);
          return Promise.all(lists.map(function (c) { return core(c.words); })).then(function (outs) {
            if (outs[0] === null) return null;
            var merged = [], lazy = false;
            outs.forEach(function (o, i) {
              if (!o) return;
              lazy = lazy || o.lazyVerify;
              o.list.forEach(function (c) { c.via = lists[i].via; merged.push(c); });
            });
            return { list: merged, lazyVerify: lazy };
          });
        }
        // One candidate per document: the first list's (the query as typed) where it holds, so there
        // is no arrow where the query itself is found.  Run after the literal check where there is one:
        // a document the typed words match only in lunr's terms may hold an alternative's form.
        function onePerDoc(res) {
          var byDoc = {};
          res.list = res.list.filter(function (c) {
            if (byDoc[c.doc]) return false;
            byDoc[c.doc] = true;
            return true;
          });
          return res;
        }
        // A kana query means a reading: load the readings before the first search.
        return (kanaWords ? loadReadings(words) : Promise.resolve(false)).then(function (ready) {
          return run(ready);
        }).then(function (res) {
          if (res === null) { empty.unsupported = true; return empty; }
          return verifyAll(res).then(onePerDoc);
        }).then(function (res) {
          if (res.unsupported || res.list.length || kanaWords || !manifest.readings) return res;
          // Nothing found as written (after the literal check): a variant spelling may be
          // (掛かり付け医 → かかりつけ医, ターミナル・ケア → ターミナルケア).
          return loadReadings(null).then(function (ready) {
            if (!ready) return res;
            return run(true).then(function (again) { return again ? verifyAll(again).then(onePerDoc) : res; });
          });
        }).then(function (res) {
          if (res.unsupported) return res;
          var counts = {};
          res.list.forEach(function (c) {
            var k = kindOf(c.doc);
            counts[k] = (counts[k] || 0) + 1;
          });
          var list = kind ? res.list.filter(function (c) { return kindOf(c.doc) === kind; }) : res.list;
          list.sort(function (x, y) {
            return y.tier - x.tier || x.via.length - y.via.length || y.score - x.score || x.doc - y.doc;
          });
          remember(query, list);
          return collect(list, words, limit, res.lazyVerify, withSnippets).then(function (out) {
            out.counts = counts;
            out.kind = kind;
            out.help = glossaryHelp(res.list);
            out.suggestions = [];
            out.notInReport = false;
            if (res.list.length) return withSources(out);
            // No dead end: only suggestions that themselves find pages; none left means the
            // report does not have the word, which the page then says plainly.
            return suggest(words).then(function (near) {
              return Promise.all(near.map(function (s) { return hasResults(s); })).then(function (ok) {
                out.suggestions = near.filter(function (s, i) { return ok[i]; });
                out.notInReport = !out.suggestions.length;
                return out;
              });
            });
          });
        }).then(function (out) {
          out.query = query;
          out.words = words;
          return out;
        });
      });
    }

    // Where each glossary pairing of the help comes from (search/glossary.js, loaded only for them).
    var sourcesPromise = null;
    function withSources(out) {
      if (!out.help.length) return out;
      sourcesPromise = sourcesPromise || opts.loadScript('glossary.js').then(function () {
        return store().glossarySources || [];
      }, function () { sourcesPromise = null; return []; });
      return sourcesPromise.then(function (sources) {
        out.help.forEach(function (h) { h.source = sources[h.entry] || ''; });
        return out;
      });
    }

    // Whether a word (a suggestion) finds any page as written.
    function hasResults(text) {
      var words = tok.queryWords(text);
      if (!words.length) return Promise.resolve(false);
      return core(words).then(function (res) {
        if (!res || !res.list.length) return false;
        return verifyAll({ list: res.list, lazyVerify: false }).then(function (v) { return v.list.length > 0; });
      });
    }

    // Take results in order until `limit` are verified, loading what they need batch by batch.
    // A big site stops verifying after MAX_BLOCKS more blocks; the count is then an estimate.
    // Only the first `snippets` results get their snippet now (their text is loaded); the others
    // have snippet undefined until snippets() is asked for them (the page asks as they scroll in).
    function collect(list, words, limit, lazyVerify, snippets) {
      var shown = [], pos = 0, budget = loadedBlocks() + MAX_BLOCKS;
      function step() {
        if (shown.length >= limit || pos >= list.length) return Promise.resolve();
        if (lazyVerify && loadedBlocks() >= budget) return Promise.resolve();
        var batch = list.slice(pos, pos + Math.max(limit - shown.length, 4));
        pos += batch.length;
        var text = lazyVerify ? batch.filter(function (c) { return needsText(c.words); }) : [];
        return Promise.all([loadDocs(batch.map(function (c) { return c.doc; })),
                            loadText(text.map(function (c) { return c.doc; }))]).then(function () {
          batch.forEach(function (c) {
            if (!lazyVerify || verify(c.doc, c.words)) shown.push(c);
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
        var now = shown.slice(0, snippets).map(function (c) { return c.doc; });
        return loadText(now).then(function () {
          return {
            total: total,
            exact: !lazyVerify || pos >= list.length,
            more: pos < list.length || total > shown.length,
            results: shown.map(function (c, i) {
              var d = docs[c.doc];
              return { id: d.id, doc: c.doc, url: d.url, kind: d.kind, title: d.title, summary: d.summary,
                       score: c.score, tier: c.tier, snippet: i < snippets ? snippet(c.doc, c.words) : undefined,
                       titleRanges: titleRanges(d.title, c.words),
                       via: c.via || [] };
            })
          };
        });
      });
    }

    // snippets(query, [doc]) → Promise of {doc: snippet} for results of a recent search(query).
    function snippets(query, list) {
      var words = wordsOf[query] || {};
      list = list.filter(function (d) { return words[d]; });
      return loadText(list).then(function () {
        var out = {};
        list.forEach(function (d) { out[d] = snippet(d, words[d]); });
        return out;
      });
    }

    function remember(query, list) {
      if (!wordsOf[query]) {
        recent.push(query);
        if (recent.length > 8) delete wordsOf[recent.shift()];
      }
      var byDoc = wordsOf[query] = {};
      list.forEach(function (c) { byDoc[c.doc] = c.words; });
    }

    return {
      search: search,
      snippets: snippets,
      load: loadManifest,
      // For tests: the rebuilt lunr index of shard s.
      shard: function (s) { return loadManifest().then(function () { return loadShard(s); }); },
      manifest: function () { return manifest; },
      urlKinds: URL_KINDS
    };
  }

  var api = { createEngine: createEngine };
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.CasebookSearchEngine = api;
})(typeof globalThis !== 'undefined' ? globalThis : this);
