// The page's model, one shape for both modes, so one renderer serves both: built from the nodes'
// summaries, or from the results of the check files (collected in checkup.state.checkFiles);
// and the uptime figures read from it.
//   model: {mode: 'summaries' | 'checkfiles', endpoints: [ep], messages: [{t, title, endpoint, text}], info}
//   ep: {key, title, endpoint, threshold, last: {t, state, rtt}, recent: [{t, state, rtt, phases}],
//        days: Map(day -> {n, h, d, dn, u, f, min, max, medW, p95W, w}) (f: flaky results), events: [{t, state, reason}],
//        interval, state, stale, retired, incidents: Map(day -> count),
//        sources: [{origin, location, last, interval, reason}] (summaries), and with verdicts
//        (verdicts.js) votes: [{origin, state, rtt, t, reason}] and places: [{origin, name, state, rtt, t, reason}]}
'use strict';
(function (checkup) {
  var u = checkup.util, settings = checkup.settings, state = checkup.state;
  var median = checkup.chart.median;
  var PHASE_KEYS = checkup.chart.PHASES.map(function (p) { return p.key; });
  var MIN = u.MIN, HOUR = u.HOUR, DAY = u.DAY;
  var str = u.str, isNum = u.isNum, pos = u.pos, arr = u.arr, stateName = u.stateName, dayKey = u.dayKey, byTime = u.byTime;

  // ---- shared by both modes ----

  function newEp(title, endpoint) {
    return {
      key: u.epKey(endpoint, title), title: title, endpoint: endpoint, threshold: 0, last: null,
      recent: [], days: new Map(), events: [], interval: 0, state: 'unknown', sources: []
    };
  }

  // The title and address of a result or of a summary's endpoint.
  function identity(r) {
    var title = str(r.title || r.endpoint || 'Untitled'), endpoint = str(r.endpoint);
    return { title: title, endpoint: endpoint, key: u.epKey(endpoint, title) };
  }

  function phasesOrNull(phases) { return phases.some(function (v) { return v != null; }) ? phases : null; }

  function emptyDay() { return { n: 0, h: 0, d: 0, dn: 0, u: 0, f: 0, min: 0, max: 0, medW: 0, p95W: 0, w: 0 }; }

  // Counts `n` results (default 1: a folded point of a summary stands for several) of state s,
  // `f` of them flaky (passed only on a retry).
  function count(a, s, n, f) {
    n = n > 1 ? n : 1;
    a.n += n;
    if (f > 0) a.f += f;
    if (s === 'healthy') a.h += n;
    else if (s === 'degraded') a.d += n;
    else if (s === 'down') a.dn += n;
    else a.u += n;
  }

  // The usual gap between results, from single results only (folded points span a minute).
  function typicalInterval(points) {
    var d = [];
    for (var i = 1; i < points.length; i++) {
      if (points[i].t > points[i - 1].t && !(points[i].n > 1) && !(points[i - 1].n > 1)) d.push(points[i].t - points[i - 1].t);
    }
    return median(d) || 0;
  }

  // Whether a newest result is too old to stand for now: older than 3 usual intervals (and 2
  // minutes), or than 48 hours.
  function outdated(last, interval, now) {
    var age = now - last.t;
    return age > 48 * HOUR || (interval > 0 && age > Math.max(3 * interval, 2 * MIN));
  }

  function finishEp(ep) {
    var now = Date.now();
    ep.state = ep.last && !outdated(ep.last, ep.interval, now) ? ep.last.state : 'unknown';
    // No result for 48 hours: most likely a checker that was removed. It no longer sets the
    // banner (unless nothing is fresher), and after a week it leaves the page.
    ep.stale = !ep.last || now - ep.last.t > 48 * HOUR;
    ep.retired = !ep.last || now - ep.last.t > 7 * DAY;
    ep.incidents = new Map();
    ep.events.forEach(function (ev, i) {
      if ((ev.state === 'down' || ev.state === 'degraded') && (i === 0 || ep.events[i - 1].state !== ev.state)) {
        var k = dayKey(ev.t);
        ep.incidents.set(k, (ep.incidents.get(k) || 0) + 1);
      }
    });
    return ep;
  }

  function finishModel(mode, eps, messages, info) {
    eps = eps.filter(function (ep) { return !ep.retired; });
    eps.sort(function (a, b) { return a.title.localeCompare(b.title) || a.endpoint.localeCompare(b.endpoint); });
    messages.sort(byTime);
    // A message repeated on consecutive results is one message.
    var seen = new Map();
    messages = messages.filter(function (m) {
      var k = u.epKey(m.endpoint, m.title);
      if (seen.get(k) === m.text) return false;
      seen.set(k, m.text);
      return true;
    });
    return { mode: mode, endpoints: eps, messages: messages, info: info };
  }

  // ---- from summaries ----

  // One element of a summary's `endpoints` (or `verdicts`, the same shape), read: its identity,
  // threshold, newest result, recent results, daily rollups [[day, row]] and state changes.
  function readEntry(e) {
    var id = identity(e);
    var recent = arr(e.recent).filter(function (r) { return Array.isArray(r) && isNum(r[0]); }).map(function (r) {
      return { t: r[0], state: stateName(r[1]), rtt: pos(r[2]), phases: phasesOrNull([pos(r[3]), pos(r[4]), pos(r[5]), pos(r[6])]),
               n: isNum(r[7]) && r[7] > 1 ? Math.min(r[7], 1e6) : 1, f: isNum(r[8]) && r[8] > 0 ? Math.min(r[8], 1e6) : 0 };
    });
    recent.sort(byTime);
    var last = Array.isArray(e.last) && isNum(e.last[0]) ? { t: e.last[0], state: stateName(e.last[1]), rtt: pos(e.last[2]) }
      : recent.length ? recent[recent.length - 1] : null;
    return {
      key: id.key, title: id.title, endpoint: id.endpoint, threshold: pos(e.threshold) || 0,
      last: last && { t: last.t, state: last.state, rtt: last.rtt }, recent: recent, interval: typicalInterval(recent),
      days: arr(e.days).filter(function (r) { return Array.isArray(r) && typeof r[0] === 'string'; }),
      events: arr(e.events).filter(function (v) { return Array.isArray(v) && isNum(v[0]); }).map(function (v) {
        return { t: v[0], state: stateName(v[1]), reason: str(v[2]) };
      })
    };
  }

  // Adds a summary's day row [day, results, healthy, degraded, down, unknown, min, median, p95,
  // max, flaky (left out when 0)] to a tally.
  function addDay(a, r) {
    var n = r[1] | 0, dn = r[4] | 0, min = pos(r[6]), max = pos(r[9]), w = Math.max(0, n - dn);
    a.n += n; a.h += r[2] | 0; a.d += r[3] | 0; a.dn += dn; a.u += r[5] | 0; a.f += r[10] | 0;
    if (min) a.min = a.min ? Math.min(a.min, min) : min;
    if (max) a.max = Math.max(a.max, max);
    if (w && pos(r[7])) { a.medW += r[7] * w; a.p95W += (pos(r[8]) || r[7]) * w; a.w += w; }
    return a;
  }

  // Adds one node's entry to the endpoint merged from every node.
  function merge(ep, x) {
    ep.recent = ep.recent.concat(x.recent);
    ep.interval = Math.max(ep.interval, x.interval);
    if (x.last && (!ep.last || x.last.t > ep.last.t)) {
      ep.last = x.last;
      ep.threshold = x.threshold;
    } else if (!ep.last && !ep.threshold) {
      ep.threshold = x.threshold;
    }
    x.days.forEach(function (r) {
      var a = ep.days.get(r[0]);
      if (!a) ep.days.set(r[0], a = emptyDay());
      addDay(a, r);
    });
    ep.events = ep.events.concat(x.events);
  }

  // The model from the nodes' summaries, loaded: [{origin, summary}]. Each endpoint merges every
  // node's results, unless `replace` (key -> endpoint, not finished) has one for it: then that
  // one is shown (the nodes' verdicts, verdicts.js). Every endpoint keeps `sources`: each node's
  // own newest result, usual interval and why, [{origin, location, last, interval, reason}].
  function fromSummaries(loaded, expected, failed, replace) {
    var eps = new Map(), messages = [], updated = 0;
    loaded.forEach(function (l) {
      var s = l.summary, location = typeof s.location === 'string' ? s.location.trim() : '';
      if (isNum(s.updated)) updated = Math.max(updated, s.updated);
      s.endpoints.forEach(function (e) {
        if (!e || typeof e !== 'object') return;
        var x = readEntry(e), ep = eps.get(x.key);
        if (!ep) eps.set(x.key, ep = newEp(x.title, x.endpoint));
        merge(ep, x);
        var ev = x.events.reduce(function (b, v) { return !b || v.t >= b.t ? v : b; }, null);
        ep.sources.push({ origin: l.origin, location: location, last: x.last, interval: x.interval, abstain: str(s.abstain),
          reason: ev && x.last && ev.state === x.last.state ? ev.reason : '' });
      });
      arr(s.messages).forEach(function (m) {
        if (Array.isArray(m) && isNum(m[0]) && typeof m[3] === 'string' && m[3].trim()) {
          messages.push({ t: m[0], title: str(m[1]), endpoint: str(m[2]), text: m[3].trim() });
        }
      });
    });
    var out = [];
    eps.forEach(function (ep, key) {
      ep.recent.sort(byTime);
      ep.events.sort(byTime);
      // The same change seen by several nodes is one change.
      ep.events = ep.events.filter(function (ev, i, all) { return !i || all[i - 1].state !== ev.state; });
      var v = replace && replace.get(key);
      if (v) {
        v.sources = ep.sources;
        spliceHistory(v, ep);
      }
      out.push(finishEp(v || ep));
    });
    if (replace) replace.forEach(function (v, key) { if (!eps.has(key)) out.push(finishEp(v)); });
    return finishModel('summaries', out, messages, { nodes: loaded.length, expected: expected, failed: failed, updated: updated });
  }

  // Verdicts exist only since nodes knew of each other (`since`): before that the merged results
  // stand, and a day the verdicts cover only in part keeps its merged rollup.
  function spliceHistory(v, merged) {
    var t0 = v.since;
    if (!isFinite(t0)) return;
    v.recent = merged.recent.filter(function (p) { return p.t < t0; }).concat(v.recent);
    v.events = merged.events.filter(function (e) { return e.t < t0; }).concat(v.events);
    merged.days.forEach(function (d, key) {
      if (!v.days.has(key) || Date.parse(key + 'T00:00:00Z') < t0) v.days.set(key, d);
    });
  }

  // ---- from check files ----

  function stateOf(r) {
    return r.down ? 'down' : r.degraded ? 'degraded' : r.healthy ? 'healthy' : 'unknown';
  }

  // The positive values of `key` over a result's attempts.
  function positives(times, key) {
    return times.map(function (t) { return Number(t[key]); }).filter(function (v) { return isFinite(v) && v > 0; });
  }

  // Adds one check file's results (a JSON array) to checkup.state.checkFiles.
  function addFile(name, stored, data) {
    if (!Array.isArray(data)) throw new Error(name + ' is not a JSON array');
    var cf = state.checkFiles;
    cf.stored.set(name, stored);
    data.forEach(function (r) {
      if (!r || typeof r !== 'object' || !isNum(r.timestamp)) return;
      var id = identity(r);
      var times = arr(r.times).filter(function (t) { return t && typeof t === 'object'; });
      var errs = times.map(function (t) { return t.error; }).filter(function (e) { return typeof e === 'string' && e; });
      var message = typeof r.message === 'string' ? r.message.trim() : '';
      var ep = cf.results.get(id.key);
      if (!ep) cf.results.set(id.key, ep = { title: id.title, endpoint: id.endpoint, list: [] });
      ep.list.push({
        t: r.timestamp / 1e6,
        state: stateOf(r),
        rtt: median(positives(times, 'rtt')),
        phases: phasesOrNull(PHASE_KEYS.map(function (k) { return median(positives(times, k)); })),
        threshold: pos(Number(r.threshold)) || 0,
        reason: !r.down && typeof r.notice === 'string' && r.notice ? r.notice : errs[0] || message || '',
        message: message,
        f: r.flaky === true ? 1 : 0
      });
    });
  }

  // Builds the page model from the check files within the timeframe.
  function fromCheckFiles() {
    var cf = state.checkFiles;
    var cutoffMs = Date.now() - settings.timeframeMs, cut = cutoffMs * 1e6;
    cf.stored.forEach(function (stored, name) { if (stored < cut) cf.stored.delete(name); });
    var eps = [], messages = [];
    cf.results.forEach(function (r, key) {
      r.list = r.list.filter(function (x) { return x.t >= cutoffMs; }).sort(byTime);
      if (!r.list.length) { cf.results.delete(key); return; }
      var ep = newEp(r.title, r.endpoint), prev = null;
      r.list.forEach(function (x) {
        ep.recent.push({ t: x.t, state: x.state, rtt: x.rtt, phases: x.phases, f: x.f });
        if (!prev || prev.state !== x.state) ep.events.push({ t: x.t, state: x.state, reason: x.reason });
        if (x.message) messages.push({ t: x.t, title: r.title, endpoint: r.endpoint, text: x.message });
        prev = x;
      });
      var last = r.list[r.list.length - 1];
      ep.last = { t: last.t, state: last.state, rtt: last.rtt };
      ep.threshold = last.threshold;
      ep.interval = typicalInterval(ep.recent);
      rollup(ep);
      eps.push(finishEp(ep));
    });
    return finishModel('checkfiles', eps, messages, { files: cf.stored.size, failed: cf.failed.size });
  }

  // Daily rollups computed from results (check-file mode).
  function rollup(ep) {
    var rtts = new Map();
    ep.recent.forEach(function (p) {
      var k = dayKey(p.t), a = ep.days.get(k);
      if (!a) { ep.days.set(k, a = emptyDay()); rtts.set(k, []); }
      count(a, p.state, p.n, p.f);
      if (p.state !== 'down' && p.rtt > 0) rtts.get(k).push(p.rtt);
    });
    rtts.forEach(function (list, k) {
      var s = list.sort(function (a, b) { return a - b; }), w = s.length, a = ep.days.get(k);
      if (!w) return;
      a.min = s[0]; a.max = s[w - 1];
      a.medW = median(s) * w; a.p95W = u.quantile(s, 0.95) * w; a.w = w;
    });
  }

  // ---- reading the model ----

  // Uptime of a tally (a day, or a window): healthy and degraded over every result with a known
  // state, in percent; null without any.
  function uptimeOf(a) {
    return a && a.n - a.u > 0 ? (a.h + a.d) / (a.n - a.u) * 100 : null;
  }

  // Uptime in a window: a percentage, or null when there is no data (or, with check files, the
  // window is longer than what was loaded).
  function uptime(ep, win, now) {
    if (state.model.mode === 'checkfiles' && win > settings.timeframeMs * 1.001) return null;
    var a = emptyDay();
    if (win <= DAY) {
      ep.recent.forEach(function (p) { if (p.t >= now - win) count(a, p.state, p.n); });
    } else {
      var from = dayKey(now - (win / DAY - 1) * DAY);
      ep.days.forEach(function (d, k) {
        if (k < from) return;
        a.n += d.n; a.h += d.h; a.d += d.d; a.u += d.u;
      });
    }
    return uptimeOf(a);
  }

  function dayLevel(a) {
    if (!a || a.n - a.u <= 0) return 'none';
    if (a.dn > 0) {
      var f = a.dn / (a.n - a.u);
      return f >= 0.05 ? 'major' : f >= 0.005 ? 'partial' : 'minor';
    }
    return a.d > 0 ? 'degraded' : 'up';
  }

  checkup.model = {
    fromSummaries: fromSummaries, addFile: addFile, fromCheckFiles: fromCheckFiles,
    readEntry: readEntry, newEp: newEp, emptyDay: emptyDay, addDay: addDay, outdated: outdated,
    uptime: uptime, uptimeOf: uptimeOf, dayLevel: dayLevel
  };
})(window.checkup = window.checkup || {});
