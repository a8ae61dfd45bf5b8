/*
 * Site search: the page's UI.  The engine (search-engine.js) runs in a worker (search-worker.js),
 * which loads it with lunr.js and tokenize.js; where a worker cannot start (file://) this script
 * loads the same files on the page.
 *
 * DOM hooks (templates/search.html):
 *   <div data-module="search"
 *        data-index-src="../search/index.js"   URL of the index manifest script (required)
 *        data-root="../"                        prefix that turns a site-relative URL into a link
 *        data-worker-src="../js/search-worker.js"  the worker running the engine (default: next to
 *                                               this script); data-worker="off" runs it on the page
 *        data-lunr-src="../vendor/lunr/lunr.min.js"  default: vendor/lunr/ beside js/
 *        data-tokenize-src="../js/tokenize.js"  default: next to this script
 *        data-engine-src="../js/search-engine.js"  default: next to this script
 *        data-kind-region="事例" data-kind-model="モデル" data-kind-survey="調査"
 *        data-kind-page="解説"                   labels of result kinds
 *        data-str-NAME="…">                     every UI string (templates/strings.ja.yaml, search.ui)
 *     <form …><input name="q" type="search"> <button type="submit">…</button></form>
 *     <p data-nojs>…needs JavaScript…</p>      hidden by this script
 *     <p data-status role="status" aria-live="polite"></p>   count and state, announced
 *     <nav data-kinds hidden></nav>             counts per kind as filter links (?kind=case|model|
 *                                               survey|page, kept in the address; optional)
 *     <p data-suggest hidden></p>               site words near a query without results (optional)
 *     <ol data-results></ol>                    results: <li class="search-result"> with a link
 *   </div>                                      (.search-result__title), a kind badge
 *                                               (.search-result__kind), a snippet with <mark>
 *                                               (.search-result__snippet) and key figures
 *                                               (<dl class="search-result__figures">); then a
 *                                               "more" <button class="search__more"> if needed.
 * After the engine starts, the box says where it runs: data-engine="worker" or "page".
 * Readings (issue 13): a kana query also finds the written forms whose reading it spells
 * (みとり → 看取り, shown on the result with the form highlighted); a query with no result tries
 * variant spellings (掛かり付け医 → かかりつけ医) and then offers near site words.  The reading
 * data is loaded only for those queries: for a kana word the shard of its first character
 * (search/r{n}.js), for variant spellings and suggestions all of it (search/readings.js).  Kind filters and suggested words
 * push a history entry; Back/forward shows those results again (popstate).
 * Index (issue 13): each term shard is lunr.py's serialized index for its terms, given to
 * lunr.Index.load; nothing of the index is built here.  A query loads the shards of its terms'
 * first characters and the document blocks of the results it checks and shows.
 * Behaviour: the engine starts with the first input (or at once when ?q= is given; not on focus:
 * a reader who only tabs through loads nothing, and leaves no worker loading behind); results
 * follow typing (input + compositionend, never while an IME is composing); the first screenful
 * of results is put in first; ?q= is kept in the address bar; ArrowDown in the box moves to the
 * results, ArrowUp/ArrowDown move between them, Escape clears.  Data scripts are added as
 * <script src> (importScripts in the worker), so it works from file:// and under a CSP without
 * 'unsafe-inline'/'unsafe-eval' (the worker is a same-origin file: script-src/worker-src 'self').
 * Everything shown is built with text nodes.
 *
 */
(function (root) {
  'use strict';

  // Results put in per frame: a slow phone (4x CPU) lays out a few at a time without a long task.
  var PAGE = 20, FIRST_SCREEN = 3, PER_TASK = 3;
  // How far below (and above) the screen a result gets its snippet without the reader scrolling
  // (scrolling fetches every case hit's): a first search does not fetch the text of every result.
  var SNIPPET_AHEAD = '50% 0px';

  // Runs fn after the next frame is drawn, so each part of the results is laid out on its own
  // (several timeouts in one frame would lay out all their parts at once); a hidden tab draws no
  // frames, hence the timer.
  function afterFrame(fn) {
    var done = false;
    function go() { if (!done) { done = true; setTimeout(fn, 0); } }
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(go);
    setTimeout(go, 100);
  }

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
    // A script named on the page is relative to the page; otherwise it sits beside this script.
    function scriptSrc(attribute, besideThis) {
      var named = box.getAttribute(attribute);
      return named ? absolute(named, pageUrl) : absolute(besideThis, SCRIPT_SRC || pageUrl);
    }
    var lunrSrc = scriptSrc('data-lunr-src', '../vendor/lunr/lunr.min.js');
    var tokSrc = scriptSrc('data-tokenize-src', 'tokenize.js');
    var readingsSrc = scriptSrc('data-readings-src', 'search-readings.js');
    var workerSrc = scriptSrc('data-worker-src', 'search-worker.js');
    var engineSrc = scriptSrc('data-engine-src', 'search-engine.js');
    var kinds = {
      region: box.getAttribute('data-kind-region') || 'region',
      model: box.getAttribute('data-kind-model') || 'model',
      survey: box.getAttribute('data-kind-survey') || 'survey',
      page: box.getAttribute('data-kind-page') || 'page'
    };

    // UI strings come from templates/strings.ja.yaml as data-str-<name> ({q}, {n}, {kind}, … filled in).
    function str(name, values) {
      // One pass: a query holding "{kind}" stays as typed.
      return (box.getAttribute('data-str-' + name) || '').replace(/\{([a-z]+)\}/g, function (m, k) {
        return values && Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : m;
      });
    }
    var kindsNav = box.querySelector('[data-kinds]');
    var helpBox = box.querySelector('[data-help]');
    var suggestBox = box.querySelector('[data-suggest]');
    var FROM_URL = {};
    ['region', 'model', 'survey', 'page'].forEach(function (k) {
      FROM_URL[{ region: 'case' }[k] || k] = k;
    });
    var TO_URL = { region: 'case', model: 'model', survey: 'survey', page: 'page' };
    var kind = null;  // the kind filter (internal name) or null for every kind

    var enginePromise = null, seq = 0, timer = null, limit = PAGE, lastQuery = null, lastKind = null;
    var renderTimer = null, pendingSnippets = [], observer = null, beforePrint = null, onScroll = null;

    // Results that get their snippet with the search: about as many as fit below the list's top.
    function firstScreen() {
      var top = list.getBoundingClientRect().top, height = window.innerHeight || 740;
      return Math.max(2, Math.min(PAGE, Math.ceil((height - Math.max(0, top)) / 120)));
    }

    function stopWatching() {
      if (observer) observer.disconnect();
      observer = null;
      pendingSnippets = [];
      if (beforePrint) window.removeEventListener('beforeprint', beforePrint);
      beforePrint = null;
      if (onScroll) window.removeEventListener('scroll', onScroll);
      onScroll = null;
    }

    // The other snippets: fetched as their results come within half a screen of the viewport (a
    // first search loads only the text of what the reader sees), every case hit's as soon as the
    // reader scrolls, and all at once when the reader prints (paper does not scroll).
    function watchSnippets(query) {
      var waiting = pendingSnippets.slice();
      if (!waiting.length) return;
      var mine = seq, asked = [];
      function fill(nodes) {
        nodes = nodes.filter(function (n) { return asked.indexOf(n) < 0; });
        if (!nodes.length) return;
        nodes.forEach(function (n) { asked.push(n); if (observer) observer.unobserve(itemOf(n)); });
        var ids = nodes.map(function (n) { return +n.getAttribute('data-doc'); });
        getEngine().then(function (e) { return e.snippets(query, ids); }).then(function (got) {
          var left = nodes.slice();
          (function put() {  // a few per frame, as the results went in
            if (mine !== seq) return;
            left.splice(0, PER_TASK).forEach(function (n) {
              var sn = got[n.getAttribute('data-doc')];
              if (sn && n.parentNode) n.parentNode.replaceChild(renderSnippet(sn), n);
            });
            if (left.length) afterFrame(put);
          })();
        }, function () { /* the result keeps its title and figures */ });
      }
      beforePrint = function () { fill(waiting); };
      window.addEventListener('beforeprint', beforePrint);
      if (typeof IntersectionObserver === 'undefined') { fill(waiting); return; }
      // A reader scanning the cases for the word (issue 27): once they start scrolling, every case
      // hit's snippet is fetched, far ahead of the one they reach.
      onScroll = function () {
        window.removeEventListener('scroll', onScroll);
        onScroll = null;
        fill(waiting.filter(function (n) { return n.getAttribute('data-kind') === 'region'; }));
      };
      window.addEventListener('scroll', onScroll, { passive: true });
      var byItem = waiting.map(itemOf);
      observer = new IntersectionObserver(function (seen) {
        var nodes = seen.filter(function (x) { return x.isIntersecting; })
          .map(function (x) { return waiting[byItem.indexOf(x.target)]; });
        if (nodes.length) fill(nodes);
      }, { rootMargin: SNIPPET_AHEAD });
      byItem.forEach(function (item) { observer.observe(item); });
    }

    // The result a pending snippet belongs to (observed rather than the empty line itself).
    function itemOf(node) {
      while (node && node.parentNode !== list) node = node.parentNode;
      return node;
    }

    /*
     * The engine runs in a worker (search-worker.js), so loading the index and querying never
     * block typing; where a worker cannot start (file:// in Chromium, an old browser, a worker
     * that fails to load its scripts) the same engine runs on the page.  Both give
     * {search(query, options) → Promise of results}.
     */
    function workerEngine() {
      return new Promise(function (resolve, reject) {
        if (typeof Worker === 'undefined' || !SCRIPT_SRC) { reject(new Error('no worker')); return; }
        var worker, pending = {}, next = 0, ready = false;
        try {
          worker = new Worker(workerSrc);
        } catch (e) {
          reject(e);  // file://: a worker's script has no origin the page may use
          return;
        }
        function fail(error) {
          if (!ready) { reject(error); worker.terminate(); return; }
          Object.keys(pending).forEach(function (id) { pending[id].reject(error); });
          pending = {};
        }
        worker.onmessage = function (ev) {
          var m = ev.data || {};
          if (m.type === 'ready') { ready = true; resolve(api); return; }
          if (m.type === 'failed') { fail(new Error(m.error)); return; }
          var p = pending[m.id];
          if (!p) return;
          delete pending[m.id];
          if (m.error) p.reject(new Error(m.error)); else p.resolve(m.result);
        };
        worker.onerror = function (ev) {
          if (ev && ev.preventDefault) ev.preventDefault();
          fail(new Error('search worker failed'));
        };
        function ask(message) {
          return new Promise(function (res, rej) {
            message.id = ++next;
            pending[message.id] = { resolve: res, reject: rej };
            worker.postMessage(message);
          });
        }
        var api = {
          search: function (q, options) {
            return ask({ query: q, limit: options.limit, kind: options.kind, snippets: options.snippets });
          },
          snippets: function (q, list) { return ask({ type: 'snippets', query: q, docs: list }); }
        };
        worker.postMessage({ type: 'init', lunrSrc: lunrSrc, tokenizeSrc: tokSrc, engineSrc: engineSrc,
                             readingsSrc: readingsSrc, indexSrc: indexSrc });
      });
    }

    function pageEngine() {
      var libs = [];
      if (!root.lunr) libs.push(loadScriptTag(lunrSrc));
      if (!root.CasebookTokenize) libs.push(loadScriptTag(tokSrc));
      if (!root.CasebookSearchEngine) libs.push(loadScriptTag(engineSrc));
      return Promise.all(libs).then(function () {
        var engine = root.CasebookSearchEngine.createEngine({
          lunr: root.lunr,
          tokenizer: root.CasebookTokenize,
          manifestName: indexSrc,
          loadScript: function (name) { return loadScriptTag(absolute(name, indexSrc)); },
          readingsCode: function () {
            return root.CasebookReadings ? Promise.resolve(root.CasebookReadings) :
              loadScriptTag(readingsSrc).then(function () { return root.CasebookReadings; });
          }
        });
        return engine.load().then(function () { return engine; });
      });
    }

    function getEngine() {
      if (!enginePromise) {
        setStatus(str('loading'), true);
        var useWorker = box.getAttribute('data-worker') !== 'off';
        enginePromise = (useWorker ? workerEngine() : Promise.reject(new Error('worker off')))
          .then(function (engine) { box.setAttribute('data-engine', 'worker'); return engine; }, function () {
            return pageEngine().then(function (engine) { box.setAttribute('data-engine', 'page'); return engine; });
          });
        enginePromise.catch(function () {
          enginePromise = null;
          setStatus(str('load-failed'), false);
        });
      }
      return enginePromise;
    }

    function setStatus(text, busy) {
      status.textContent = text;
      if (busy) box.setAttribute('aria-busy', 'true'); else box.removeAttribute('aria-busy');
    }

    // The address of a search: ?q=…&kind=… (kind left out for every kind).
    function searchUrl(q, k) {
      var url = new URL(document.location.href);
      if (q) url.searchParams.set('q', q); else url.searchParams.delete('q');
      if (k && q) url.searchParams.set('kind', TO_URL[k]); else url.searchParams.delete('kind');
      return url.href;
    }

    // Typing replaces the address (no history entry per key); choosing a kind or a suggested
    // word pushes one, so Back returns to the previous results.
    function keepQueryInUrl(q, push) {
      try {
        var href = searchUrl(q, kind);
        if (href !== document.location.href) {
          if (push) history.pushState(null, '', href); else history.replaceState(null, '', href);
        }
      } catch (e) { /* file:// in some browsers refuses replaceState: the search still works */ }
    }

    function readUrl() {
      var q = null, k = null;
      try {
        var params = new URL(document.location.href).searchParams;
        q = params.get('q');
        k = FROM_URL[params.get('kind')] || null;
      } catch (e) { q = null; }
      return { q: q, kind: k };
    }

    function el(tag, className, text) {
      var node = document.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined && text !== null) node.appendChild(document.createTextNode(String(text)));
      return node;
    }

    function appendMarked(node, text, ranges) {
      var at = 0;
      ranges.forEach(function (r) {
        if (r[0] > at) node.appendChild(document.createTextNode(text.slice(at, r[0])));
        node.appendChild(el('mark', null, text.slice(r[0], r[1])));
        at = r[1];
      });
      if (at < text.length) node.appendChild(document.createTextNode(text.slice(at)));
    }

    function renderSnippet(sn) {
      var p = el('p', 'search-result__snippet');
      if (sn.before) p.appendChild(document.createTextNode('…'));
      appendMarked(p, sn.text, sn.ranges);
      if (sn.after) p.appendChild(document.createTextNode('…'));
      return p;
    }

    function renderResult(r) {
      var item = el('li', 'search-result search-result--' + r.kind);
      var li = el('div', 'search-result__body');
      item.appendChild(li);
      var head = el('p', 'search-result__head');
      head.appendChild(el('span', 'search-result__kind', kinds[r.kind] || r.kind));
      head.appendChild(document.createTextNode(' '));
      var a = el('a', 'search-result__title');
      appendMarked(a, r.title, r.titleRanges || []);
      a.href = rootPrefix + r.url;
      head.appendChild(a);
      li.appendChild(head);
      if (r.via && r.via.length) {
        // Which written form was searched in place of the query's: 「みとり → 看取り」 (a reading or a
        // spelling), 「訪看 → 訪問看護」 (the glossary: its help line says why).
        var via = el('p', 'search-result__via');
        var glossary = r.via.every(function (v) { return v.kind === 'glossary'; });
        via.appendChild(el('span', 'search-result__via-label', str(glossary ? 'via-glossary' : 'via')));
        r.via.forEach(function (v, i) {
          via.appendChild(document.createTextNode((i ? str('via-separator') : '') + v.from + ' \u2192 '));
          via.appendChild(el('mark', null, v.to));
        });
        li.appendChild(via);
      }
      if (r.snippet) li.appendChild(renderSnippet(r.snippet));
      else if (r.snippet === undefined) {
        // Its text is not loaded yet: a reserved line, filled in as the result nears the screen.
        var wait = el('p', 'search-result__snippet search-result__snippet--pending');
        wait.setAttribute('data-doc', r.doc);
        wait.setAttribute('data-kind', r.kind);
        li.appendChild(wait);
        pendingSnippets.push(wait);
      }
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
      return item;
    }

    // The first screenful goes in at once, the rest in a later task: a slow phone paints what
    // the reader sees first and no single task builds every result.
    function render(out) {
      if (renderTimer) { clearTimeout(renderTimer); renderTimer = null; }
      stopWatching();
      clear(list);
      var old = box.querySelector('.search__more');
      if (old) old.parentNode.removeChild(old);
      var rest = out.results.slice(FIRST_SCREEN);
      out.results.slice(0, FIRST_SCREEN).forEach(function (r) { list.appendChild(renderResult(r)); });
      (function more() {
        if (!rest.length) { renderTimer = null; watchSnippets(out.query); return; }
        var mine = seq;
        renderTimer = true;
        afterFrame(function () {
          if (mine !== seq || renderTimer !== true) return;
          var part = document.createDocumentFragment();
          rest.splice(0, PER_TASK).forEach(function (r) { part.appendChild(renderResult(r)); });
          list.appendChild(part);
          more();
        });
      })();
      if (out.more) {
        var more = el('button', 'button search__more', str('more'));
        more.type = 'button';
        more.addEventListener('click', function () {
          limit += PAGE;
          var focusIndex = out.results.length;
          run(true).then(function () {
            var focus = function () {  // the result may be in a part rendered in a later task
              var links = list.querySelectorAll('.search-result__title');
              if (links[focusIndex]) links[focusIndex].focus();
              else if (renderTimer) setTimeout(focus, 0);
            };
            focus();
          });
        });
        list.parentNode.insertBefore(more, list.nextSibling);
      }
      var q = out.query.trim();
      renderKinds(out, q);
      renderSuggestions(out);
      renderHelp(out);
      var count = str(out.exact ? 'count' : 'count-about', { n: out.total });
      if (out.unsupported) setStatus(str('symbols-only', { q: q }), false);
      else if (!out.total && out.kind && kindsNav && !kindsNav.hidden) {
        setStatus(str('kind-empty', { q: q, kind: kinds[out.kind] }), false);
      } else if (!out.total) setStatus(str(out.notInReport ? 'not-in-report' : 'none', { q: q }), false);
      else {
        setStatus(str('results', {
          q: q, count: count,
          kind: out.kind ? str('results-kind', { kind: kinds[out.kind] }) : '',
          shown: out.results.length < out.total ? str('results-shown', { n: out.results.length }) : ''
        }), false);
      }
    }

    function clear(node) { while (node && node.firstChild) node.removeChild(node.firstChild); }

    // Links that run a search: followed by this script (a history entry), by the browser if not.
    function searchLink(text, q, k, className) {
      var a = el('a', className, text);
      a.href = searchUrl(q, k);
      a.addEventListener('click', function (ev) {
        if (ev.button || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
        ev.preventDefault();
        input.value = q;
        kind = k;
        run(false, true);
      });
      return a;
    }

    // Counts per kind, each a filter link; the current one is marked for screen readers too.
    function renderKinds(out, q) {
      if (!kindsNav) return;
      clear(kindsNav);
      var counts = out.counts || {}, all = 0;
      Object.keys(counts).forEach(function (k) { all += counts[k]; });
      if (!all) { kindsNav.hidden = true; return; }
      var about = out.exact ? '' : str('about');
      var choices = [[null, str('all'), all]];
      ['region', 'model', 'survey', 'page'].forEach(function (k) {
        if (counts[k]) choices.push([k, kinds[k], counts[k]]);
      });
      choices.forEach(function (c) {
        var a = searchLink(c[1] + ' ', q, c[0], 'search__kind');
        a.appendChild(el('span', 'search__kind-count', about + c[2]));
        if (c[0] === out.kind) a.setAttribute('aria-current', 'true');
        kindsNav.appendChild(a);
      });
      kindsNav.hidden = false;
    }

    function renderSuggestions(out) {
      if (!suggestBox) return;
      clear(suggestBox);
      var words = out.suggestions || [];
      suggestBox.hidden = !words.length;
      if (!words.length) return;
      suggestBox.appendChild(el('span', 'search__suggest-label', str('suggest')));
      words.forEach(function (w, i) {
        if (i) suggestBox.appendChild(document.createTextNode(' '));
        suggestBox.appendChild(searchLink(w, w, null, 'search__suggestion'));
      });
    }

    // Search help: which glossary entries the results come from, with where each pairing comes from.
    function renderHelp(out) {
      if (!helpBox) return;
      clear(helpBox);
      var help = out.help || [];
      helpBox.hidden = !help.length;
      help.forEach(function (h) {
        var p = el('p', 'search__help-line', str(h.kind === '略' ? 'help-abbr' : 'help-same', { short: h.short, long: h.long }));
        if (h.source) p.appendChild(el('span', 'search__help-source', str('help-source', { source: h.source })));
        helpBox.appendChild(p);
      });
    }

    function run(keepLimit, push) {
      var q = input.value;
      if (!keepLimit) limit = PAGE;
      keepQueryInUrl(q.trim(), push);
      var mine = ++seq, k = kind;
      if (!q.trim()) {
        if (renderTimer) { clearTimeout(renderTimer); renderTimer = null; }
        clear(list);
        var old = box.querySelector('.search__more');
        if (old) old.parentNode.removeChild(old);
        renderKinds({ counts: {} }, '');
        renderSuggestions({});
        renderHelp({});
        setStatus('', false);
        lastQuery = q;
        lastKind = k;
        return Promise.resolve();
      }
      return getEngine().then(function (e) {
        return e.search(q, { limit: limit, kind: k, snippets: firstScreen() });
      }).then(function (out) {
        if (mine !== seq) return;
        lastQuery = q;
        lastKind = k;
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

    // Back/forward between searches (kind filters, suggested words) shows those results again.
    window.addEventListener('popstate', function () {
      var state = readUrl();
      input.value = state.q || '';
      kind = state.kind;
      if (input.value !== lastQuery || kind !== lastKind) run(false);
    });

    var initial = readUrl();
    kind = initial.kind;
    if (initial.q) {
      input.value = initial.q;
      run(false);
    }
  }

  root.CasebookSearch = { enhance: enhance };
  if (typeof document !== 'undefined') {
    var start = function () {
      var boxes = document.querySelectorAll('[data-module="search"]');
      for (var i = 0; i < boxes.length; i++) enhance(boxes[i]);
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  }
})(typeof globalThis !== 'undefined' ? globalThis : this);
