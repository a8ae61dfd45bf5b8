/*
 * Search by reading (issue 13): the code that reads search/readings.js (casebook/readings.py), in a
 * file of its own because only a kana query or a query without results needs it; search.js loads
 * it beside the data (importScripts in the worker, <script src> on the page, require in Node).
 *
 *   CasebookReadings.create(shard, readingKey) → {forms(q): written forms the normalized word q may
 *   mean (みとり → 看取り, ケアマネージャー → ケアマネジャー, 受け入れ → 受入), near(): the shard's words
 *   that may be suggested}; readingKey is tokenize.js's (keys and query compared in that space); a
 *   word q is in the shard of the first character of its reading key (casebook/search/readings.py)
 *   CasebookReadings.suggest(words, [shard, …]) → site words near a query without results
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.CasebookReadings = factory();
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  var MIN_READING = 2, MAX_FORMS = 5, MAX_SUGGESTIONS = 5;

  // Hiragana → katakana: a reading typed in either script matches the same words.
  function kata(s) {
    return s.replace(/[\u3041-\u3096\u309d\u309e]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) + 0x60);
    });
  }


  function create(data, readingKey) {
    var lexicon, termList, nearList = null, keyOf = readingKey || kata;

    lexicon = data.lexicon ? data.lexicon.split('\n').map(function (line) {
      var f = line.split('\t'), surface = f[0].slice(1), keys = [];
      [surface, f[1], f[2]].concat(f[3] ? f[3].split(' ') : []).forEach(function (k) {
        k = k && keyOf(k);
        if (k && keys.indexOf(k) < 0) keys.push(k);
      });
      return { surface: surface, reading: f[1] || kata(surface), stable: f[0][0] === 'n', keys: keys };
    }) : [];
    termList = lexicon.map(function (e, i) { return [{ e: i, c: true }]; });
    (data.terms ? data.terms.split(',') : []).forEach(function (t) {
      var units = [];
      t.replace(/([ .]?)([0-9a-z]+)/g, function (m, sep, id) {
        units.push({ e: parseInt(id, 36), c: sep !== '.' });
        return m;
      });
      termList.push(units);
    });

    // May a match start at unit i of a term: at a long unit, or at a noun inside one (情報|共有).
    function canStart(term, i) { return term[i].c || lexicon[term[i].e].stable; }

    /*
     * Written forms of the site that the query word q (normalized) may mean: the term units from
     * a start consumed by their surface, reading or normalized spelling, the last unit possibly
     * in part (a reading typed so far), extended to the end of its long unit.
     */
    function readingForms(q) {
      var key = keyOf(q), found = {}, order = [];
      if (key.length < MIN_READING) return [];
      termList.forEach(function (term) {
        for (var i = 0; i < term.length; i++) {
          if (!canStart(term, i)) continue;
          walk(term, i, i, 0);
        }
      });
      function record(term, from, last) {
        while (last + 1 < term.length && !term[last + 1].c) last++;
        var form = '';
        for (var k = from; k <= last; k++) form += lexicon[term[k].e].surface;
        if (form.indexOf(q) >= 0) return;  // the literal query already finds it
        if (!found[form]) { found[form] = 0; order.push(form); }
        found[form]++;
      }
      function walk(term, from, k, p) {
        if (p === key.length) { record(term, from, k - 1); return; }
        if (k === term.length) return;
        var keys = lexicon[term[k].e].keys, rest = key.slice(p);
        for (var j = 0; j < keys.length; j++) {
          if (rest.lastIndexOf(keys[j], 0) === 0) walk(term, from, k + 1, p + keys[j].length);
          else if (keys[j].lastIndexOf(rest, 0) === 0) { record(term, from, k); return; }
        }
      }
      // The most frequent written forms first, then the shorter.
      order.sort(function (a, b) { return found[b] - found[a] || a.length - b.length || (a < b ? -1 : a > b ? 1 : 0); });
      return order.slice(0, MAX_FORMS);
    }

    // Site words to suggest: spans of terms (up to three long units) with their readings.
    function nearCandidates() {
      if (!nearList) {
        var seen = {};
        nearList = [];
        termList.forEach(function (term) {
          for (var i = 0; i < term.length; i++) {
            if (!canStart(term, i)) continue;
            var text = '', reading = '', units = 0;
            for (var k = i; k < term.length; k++) {
              if (k > i && term[k].c) {
                // A span of several long units starts with a noun: not 「し看取り」.
                if (++units === 3 || !lexicon[term[i].e].stable) break;
              }
              text += lexicon[term[k].e].surface;
              reading += lexicon[term[k].e].reading;
              if ((k + 1 === term.length || term[k + 1].c) && Array.from(text).length > 1 && !seen[text]) {
                seen[text] = true;
                nearList.push({ text: text, kana: reading });
              }
            }
          }
        });
      }
      return nearList;
    }



    return { forms: readingForms, near: nearCandidates };
  }

  function bigrams(s) {
    var out = {}, chars = Array.from(s);
    if (chars.length === 1) out[chars[0]] = true;
    for (var i = 0; i + 1 < chars.length; i++) out[chars[i] + chars[i + 1]] = true;
    return out;
  }

  function dice(a, b) {
    var na = 0, nb = 0, both = 0;
    for (var x in a) { na++; if (b[x]) both++; }
    for (var y in b) nb++;
    return na + nb ? 2 * both / (na + nb) : 0;
  }


  // The site's words nearest to a query without results, by characters and by reading.
  function suggest(words, shards) {
    var q = words.map(function (w) { return w.text; }).join(''), qk = kata(q);
    var chars = bigrams(q), reading = bigrams(qk);
    // Shared pairs of characters (Dice), and a bonus for the same start: readers get the
    // beginning of a word right more often than its end (みとる → 看取り).
    // A long word is compared by its first part as long as the query (かなみく → カナミックネットワーク).
    function closeness(pairs, a, text) {
      var same = 0, n = Math.min(a.length, text.length);
      while (same < n && a[same] === text[same]) same++;
      var head = text.length > a.length + 1 ? text.slice(0, a.length + 1) : text;
      return Math.max(dice(pairs, bigrams(head)), 0.9 * dice(pairs, bigrams(text))) * 0.7 + 0.3 * same / a.length;
    }
    var scored = [];
    var seen = {}, candidates = [];
    shards.forEach(function (shard) {
      shard.near().forEach(function (c) {
        if (!seen[c.text]) { seen[c.text] = true; candidates.push(c); }
      });
    });
    candidates.forEach(function (c) {
      var score = Math.max(closeness(chars, q, c.text), closeness(reading, qk, c.kana));
      if (score >= 0.35) scored.push({ text: c.text, score: score });
    });
    scored.sort(function (a, b) {
      return b.score - a.score || Math.abs(a.text.length - q.length) - Math.abs(b.text.length - q.length) ||
        (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
    });
    return scored.slice(0, MAX_SUGGESTIONS).map(function (c) { return c.text; });
  }

  return { create: create, suggest: suggest };
});
