/*
 * Site search off the main thread (issue 13): search.js starts this worker and posts
 *   {type: 'init', lunrSrc, tokenizeSrc, engineSrc, readingsSrc, indexSrc}  same-origin URLs
 *   {id, query, limit, kind, snippets}                           one search
 *   {id, type: 'snippets', query, docs}                          snippets of more of its results
 * and gets back {type: 'ready'} (or {type: 'failed', error}) and {id, result} / {id, error}.
 * The engine is search-engine.js's createEngine, the same code the page runs where workers are
 * unavailable (file://): lunr.Index.load of the index shards, literal checks, snippets.  Data
 * files load with importScripts, as they load with <script src> on the page.
 */
(function () {
  'use strict';
  var engine = null, failed = null;

  function start(m) {
    importScripts(m.lunrSrc, m.tokenizeSrc, m.engineSrc);
    engine = self.CasebookSearchEngine.createEngine({
      lunr: self.lunr,
      tokenizer: self.CasebookTokenize,
      manifestName: m.indexSrc,
      loadScript: function (name) {
        return new Promise(function (resolve) {
          importScripts(new URL(name, m.indexSrc).href);
          resolve();
        });
      },
      readingsCode: function () {
        return new Promise(function (resolve) {
          if (!self.CasebookReadings) importScripts(m.readingsSrc);
          resolve(self.CasebookReadings);
        });
      }
    });
    return engine.load();
  }

  self.onmessage = function (ev) {
    var m = ev.data || {};
    if (m.type === 'init') {
      var ready;
      try {
        ready = start(m);
      } catch (e) {
        ready = Promise.reject(e);
      }
      ready.then(function () { self.postMessage({ type: 'ready' }); }, function (e) {
        failed = String(e && e.message || e);
        self.postMessage({ type: 'failed', error: failed });
      });
      return;
    }
    if (!engine || failed) {
      self.postMessage({ id: m.id, error: failed || 'not started' });
      return;
    }
    var asked = m.type === 'snippets' ? engine.snippets(m.query, m.docs) :
      engine.search(m.query, { limit: m.limit, kind: m.kind, snippets: m.snippets });
    asked.then(function (result) {
      self.postMessage({ id: m.id, result: result });
    }, function (e) {
      self.postMessage({ id: m.id, error: String(e && e.message || e) });
    });
  };
})();
