// Fetching from the store (checkup.settings.store): counted requests, JSON with readable errors,
// and the summaries mode: summaries/index.json lists the nodes, and each node's
// summaries/<origin>.json holds its recent results, daily rollups, state changes and messages
// (and, when it knows of other nodes, its verdicts: verdicts.js), a handful of requests whatever
// the history length. The manifest also carries copies of the incident, maintenance and
// components views, so a page makes N + 1 data requests for N nodes.
'use strict';
(function (checkup) {
  var STORE = checkup.settings.store, stats = checkup.state.stats;
  var arr = checkup.util.arr, fromSummaries = checkup.verdicts.fromSummaries;

  function request(url, opts) {
    stats.requests++;
    return fetch(url, opts);
  }

  function HttpError(what, status, text) {
    var e = new Error(what + ' (HTTP ' + status + (text ? ' ' + text : '') + ')');
    e.status = status;
    return e;
  }

  // GETs JSON; `missingOK` turns 404 and 403 (S3's answer for a missing key) into null.
  function getJSON(name, opts, missingOK) {
    return request(STORE.base + name, opts || { cache: 'no-cache' }).then(function (res) {
      if (missingOK && (res.status === 404 || res.status === 403)) return null;
      if (!res.ok) throw HttpError(name, res.status, res.statusText);
      return res.json().catch(function () { throw new Error(name + ' (not valid JSON)'); });
    }, function (err) {
      throw new Error(name + ' (' + (err && err.message || 'network error') + ')');
    });
  }

  // Runs fn over items with at most `limit` promises in flight.
  function mapLimit(items, limit, fn) {
    var i = 0;
    function worker() {
      if (i >= items.length) return Promise.resolve();
      var item = items[i++];
      return Promise.resolve().then(function () { return fn(item); }).then(worker, worker);
    }
    var workers = [];
    for (var n = 0; n < Math.min(limit, items.length); n++) workers.push(worker());
    return Promise.all(workers);
  }

  // The page index's copy of a view (`page` in summaries/index.json, written by the nodes beside
  // the views: PageIndex.swift): an array, or null when the manifest has none (a store written
  // by an older checkup), and the view's own file is read instead.
  function part(manifest, name) {
    var page = manifest && manifest.page;
    return page && typeof page === 'object' && Array.isArray(page[name]) ? page[name] : null;
  }

  // The origins listed by summaries/index.json (none when the store has no summaries) and the
  // page index's parts: { origins, incidents, windows, components }.
  function manifest() {
    return getJSON('summaries/index.json', null, true).then(function (manifest) {
      if (manifest != null && (typeof manifest !== 'object' || Array.isArray(manifest))) {
        throw new Error('summaries/index.json (not a JSON object)');
      }
      if (manifest && manifest.version != null && manifest.version !== 1) {
        throw new Error('summaries/index.json (format version ' + manifest.version + '; this page reads version 1)');
      }
      var list = arr(manifest && manifest.origins).filter(function (o) { return typeof o === 'string' && o; });
      return { origins: Array.from(new Set(list)), incidents: part(manifest, 'incidents'),
               windows: part(manifest, 'windows'), components: part(manifest, 'components') };
    });
  }

  // The model from the origins' summaries; fails only when none of them could be read.
  function loadSummaries(list) {
    var failed = [];
    return Promise.all(list.map(function (o) {
      var name = 'summaries/' + encodeURIComponent(o) + '.json';
      return getJSON(name, null, true).then(function (s) {
        if (!s) { failed.push(name + ' (missing)'); return null; }
        if (typeof s !== 'object' || !Array.isArray(s.endpoints) || (s.version != null && s.version !== 1)) {
          failed.push(name + ' (not a version 1 summary)');
          return null;
        }
        return { origin: o, summary: s };
      }, function (err) { failed.push(err.message); return null; });
    })).then(function (loaded) {
      var ok = loaded.filter(Boolean);
      if (!ok.length) throw new Error(failed.join('; '));
      stats.mode = 'summaries';
      var model = fromSummaries(ok, list, failed);
      stats.verdicts = model.verdicts;
      return model;
    });
  }

  checkup.store = {
    request: request, HttpError: HttpError, getJSON: getJSON, mapLimit: mapLimit,
    manifest: manifest, loadSummaries: loadSummaries
  };
})(window.checkup = window.checkup || {});
