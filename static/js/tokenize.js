/*
 * Search tokenizer shared by the browser and node (require('./tokenize.js')).
 * It mirrors casebook/search.py exactly (tests compare the two): change both together.
 *
 * normalize: per cluster (a code point + following combining marks) NFKC, then the
 *   variant map (⻘⻑⺠⻭ → 青長民歯, 〜 → ~, ς → σ), then a fixed lower-case table.
 *   Code points above U+FFFF other than math alphanumerics and CJK compatibility
 *   ideographs are not NFKC-normalized (Unicode versions differ between engines).
 * tokenize: Japanese runs → overlapping pairs + the run's last character;
 *   Latin/digit runs → every suffix, at most MAX_WORD characters.
 * queryWords: space-separated words, each with lunr clauses {term, prefix}.
 */
(function (root, factory) {
  'use strict';
  var api = factory();
  if (typeof module === 'object' && module.exports) {
    module.exports = api;
  } else {
    root.CasebookTokenize = api;
  }
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  var MAX_WORD = 20;
  var VARIANTS = { '\u2ed8': '\u9752', '\u2ed1': '\u9577', '\u2ea0': '\u6c11', '\u2eed': '\u6b6f',
                   '\u301c': '~', '\u03c2': '\u03c3' };
  var COMBINING = [[0x0300, 0x036F], [0x1AB0, 0x1AFF], [0x1DC0, 0x1DFF], [0x20D0, 0x20FF],
                   [0xFE20, 0xFE2F], [0x3099, 0x309A], [0xFF9E, 0xFF9F]];
  var STABLE_ASTRAL = [[0x1D400, 0x1D7FF], [0x2F800, 0x2FA1F]];
  var JA = [[0x3005, 0x3007], [0x303B, 0x303B], [0x3041, 0x3096], [0x3099, 0x309A],
            [0x309D, 0x309F], [0x30A1, 0x30FA], [0x30FC, 0x30FF], [0x31F0, 0x31FF],
            [0x3400, 0x4DBF], [0x4E00, 0x9FFF], [0xF900, 0xFAFF], [0x20000, 0x3FFFF]];
  var WORD = [[0x30, 0x39], [0x61, 0x7A], [0xC0, 0xD6], [0xD8, 0xF6], [0xF8, 0x24F], [0x370, 0x4FF]];
  var SPACE = /[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

  function inRanges(cp, ranges) {
    for (var i = 0; i < ranges.length; i++) {
      if (cp >= ranges[i][0] && cp <= ranges[i][1]) return true;
    }
    return false;
  }

  function lower(cp) {
    if ((cp >= 0x41 && cp <= 0x5A) || (cp >= 0xC0 && cp <= 0xDE && cp !== 0xD7)) return cp + 0x20;
    if (cp >= 0x391 && cp <= 0x3A9 && cp !== 0x3A2) return cp + 0x20;
    if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
    return cp;
  }

  // Code point at i (a lone surrogate counts as one code point, as in Python).
  function cpAt(s, i) {
    var c = s.charCodeAt(i);
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length) {
      var d = s.charCodeAt(i + 1);
      if (d >= 0xDC00 && d <= 0xDFFF) return (c - 0xD800) * 0x400 + (d - 0xDC00) + 0x10000;
    }
    return c;
  }

  // Singletons NFKC leaves alone: the fast path for ordinary Japanese text.
  function stable(cp) {
    return (cp >= 0x20 && cp <= 0x7E) || (cp >= 0x3041 && cp <= 0x3096) ||
      (cp >= 0x30A1 && cp <= 0x30FA) || cp === 0x30FC || (cp >= 0x3400 && cp <= 0x4DBF) ||
      (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3001 && cp <= 0x3003) ||
      (cp >= 0x3005 && cp <= 0x3007) || (cp >= 0x3008 && cp <= 0x3011);
  }

  function normCluster(cluster, cp) {
    var single = cluster.length === (cp > 0xFFFF ? 2 : 1);
    if (!(single && stable(cp)) && (cp <= 0xFFFF || inRanges(cp, STABLE_ASTRAL))) {
      cluster = cluster.normalize('NFKC');
    }
    var out = '';
    for (var i = 0; i < cluster.length;) {
      var c = cpAt(cluster, i);
      var w = c > 0xFFFF ? 2 : 1;
      var ch = cluster.substr(i, w);
      if (Object.prototype.hasOwnProperty.call(VARIANTS, ch)) {
        out += VARIANTS[ch];
      } else {
        var l = lower(c);
        out += l === c ? ch : String.fromCharCode(l);
      }
      i += w;
    }
    return out;
  }

  // Calls fn(start, end, firstCodePoint) for each cluster of s.
  function eachCluster(s, fn) {
    var i = 0, n = s.length;
    while (i < n) {
      var cp = cpAt(s, i);
      var j = i + (cp > 0xFFFF ? 2 : 1);
      while (j < n) {
        var c = s.charCodeAt(j);
        if (!inRanges(c, COMBINING)) break;
        j += 1;
      }
      fn(i, j, cp);
      i = j;
    }
  }

  function normalize(text) {
    var parts = [];
    eachCluster(String(text), function (a, b, cp) {
      parts.push(normCluster(text.slice(a, b), cp));
    });
    return parts.join('');
  }

  // {norm, starts, ends}: for each UTF-16 unit of norm, the source cluster's [start, end).
  function normalizeWithMap(text) {
    text = String(text);
    var parts = [], starts = [], ends = [];
    eachCluster(text, function (a, b, cp) {
      var piece = normCluster(text.slice(a, b), cp);
      parts.push(piece);
      for (var k = 0; k < piece.length; k++) { starts.push(a); ends.push(b); }
    });
    return { norm: parts.join(''), starts: starts, ends: ends };
  }

  function charClass(cp) {
    if (inRanges(cp, JA)) return 'J';
    if (inRanges(cp, WORD)) return 'W';
    return '';
  }

  // Runs of one class: [{kind, chars: [code point strings]}].
  function runs(norm) {
    var out = [], current = [], kind = '';
    for (var i = 0; i < norm.length;) {
      var cp = cpAt(norm, i);
      var w = cp > 0xFFFF ? 2 : 1;
      var k = charClass(cp);
      if (k !== kind && current.length) {
        if (kind) out.push({ kind: kind, chars: current });
        current = [];
      }
      kind = k;
      current.push(norm.substr(i, w));
      i += w;
    }
    if (current.length && kind) out.push({ kind: kind, chars: current });
    return out;
  }

  function tokenize(text) {
    return tokenizeNormalized(normalize(text));
  }

  // tokenize() for text already passed through normalize().
  function tokenizeNormalized(norm) {
    var terms = [];
    var rs = runs(norm);
    for (var r = 0; r < rs.length; r++) {
      var c = rs[r].chars;
      if (rs[r].kind === 'J') {
        for (var i = 0; i + 1 < c.length; i++) terms.push(c[i] + c[i + 1]);
        terms.push(c[c.length - 1]);
      } else {
        for (var j = 0; j < c.length; j++) terms.push(c.slice(j, j + MAX_WORD).join(''));
      }
    }
    return terms;
  }

  // [{text, clauses: [{term, prefix}], exact}] — see query_words in casebook/search.py.
  function queryWords(query) {
    var words = [];
    var parts = normalize(query).split(SPACE);
    for (var p = 0; p < parts.length; p++) {
      var word = parts[p];
      if (!word) continue;
      var clauses = [], seen = {};
      var rs = runs(word);
      var add = function (term, prefix) {
        var key = (prefix ? '*' : '=') + term;
        if (!seen[key]) { seen[key] = true; clauses.push({ term: term, prefix: prefix }); }
      };
      for (var r = 0; r < rs.length; r++) {
        var c = rs[r].chars;
        if (rs[r].kind === 'J' && c.length > 1) {
          for (var i = 0; i + 1 < c.length; i++) add(c[i] + c[i + 1], false);
        } else {
          add(c.slice(0, MAX_WORD).join(''), true);
        }
      }
      var exact = rs.length === 1 && rs[0].chars.join('') === word &&
        ((rs[0].kind === 'J' && rs[0].chars.length <= 2) ||
         (rs[0].kind === 'W' && rs[0].chars.length <= MAX_WORD));
      words.push({ text: word, clauses: clauses, exact: exact });
    }
    return words;
  }

  function shardOf(term, shards) {
    if (shards <= 1) return 0;
    return (Math.imul(cpAt(term, 0), 2654435761 | 0) >>> 0) % shards;
  }

  // Reading keys (casebook/search/text.py reading_key): hiragana in katakana, ヴァ… as バ…, small kana
  // as large (ヵ ヶ as ケ), without long-vowel marks and middle dots.  Only the reading matcher compares
  // in this space; what it finds is searched literally.
  var VU = { 'ヴァ': 'バ', 'ヴィ': 'ビ', 'ヴェ': 'ベ', 'ヴォ': 'ボ', 'ヴ': 'ブ' };
  var SMALL = { 'ァ': 'ア', 'ィ': 'イ', 'ゥ': 'ウ', 'ェ': 'エ', 'ォ': 'オ', 'ッ': 'ツ', 'ャ': 'ヤ', 'ュ': 'ユ',
                'ョ': 'ヨ', 'ヮ': 'ワ', 'ヵ': 'ケ', 'ヶ': 'ケ', 'ー': '', '・': '', '=': '' };
  function readingKey(text) {
    var kata = text.replace(/[\u3041-\u3096\u309d\u309e]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) + 0x60);
    });
    return kata.replace(/ヴ[ァィェォ]?/g, function (m) { return VU[m]; })
      .replace(/[ァィゥェォッャュョヮヵヶー・=]/g, function (c) { return SMALL[c]; });
  }

  return {
    MAX_WORD: MAX_WORD,
    readingKey: readingKey,
    normalize: normalize,
    normalizeWithMap: normalizeWithMap,
    tokenize: tokenize,
    tokenizeNormalized: tokenizeNormalized,
    queryWords: queryWords,
    shardOf: shardOf
  };
});
