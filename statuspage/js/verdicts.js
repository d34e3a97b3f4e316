// Verdicts, for nodes that know of each other: a summary's `verdicts` (the shape of `endpoints`)
// holds the endpoint's state decided by a quorum of the fresh origins at each of that node's
// rounds, and each verdict's `votes` the inputs of its newest one ([origin, state, rtt, time,
// reason] per fresh origin). Per endpoint the page then shows the verdicts instead of every
// node's results merged: the newest node's series for the state, recent results, chart and
// state changes, and per UTC day the fullest rollup of any node; and beside them the places
// (`places`): each origin's own newest result, or "stale". Without verdicts: the merged model.
'use strict';
(function (checkup) {
  var u = checkup.util, model = checkup.model;
  var arr = u.arr, str = u.str, isNum = u.isNum, pos = u.pos, stateName = u.stateName, byTime = u.byTime;

  function votesOf(rows) {
    return arr(rows).filter(function (r) { return Array.isArray(r) && typeof r[0] === 'string' && r[0] && isNum(r[3]); })
      .map(function (r) { return { origin: r[0], state: stateName(r[1]), rtt: pos(r[2]), t: r[3], reason: str(r[4]) }; });
  }

  // key -> endpoint (not finished) from every loaded summary's verdicts: none without any.
  function verdictEndpoints(loaded) {
    var all = new Map();   // key -> [entry]
    loaded.forEach(function (l) {
      arr(l.summary.verdicts).forEach(function (e) {
        if (!e || typeof e !== 'object') return;
        var x = model.readEntry(e);
        x.votes = Array.isArray(e.votes) ? votesOf(e.votes) : null;
        if (!all.has(x.key)) all.set(x.key, []);
        all.get(x.key).push(x);
      });
    });
    var out = new Map();
    all.forEach(function (list, key) {
      var best = list.reduce(function (b, x) { return x.last && (!b.last || x.last.t > b.last.t) ? x : b; });
      var ep = model.newEp(best.title, best.endpoint);
      ep.threshold = best.threshold;
      ep.last = best.last;
      ep.recent = best.recent;
      ep.interval = best.interval;
      ep.events = best.events.sort(byTime);
      ep.votes = best.votes;
      // When the verdicts began (the oldest of any node): before it, the merged results stand.
      ep.since = list.reduce(function (t, x) {
        // Its oldest result: the first recent one, or the first day rolled up before those.
        var first = x.recent.length ? x.recent[0].t : Infinity, recentDay = x.recent.length ? u.dayKey(x.recent[0].t) : '~';
        x.days.forEach(function (r) { if (r[0] < recentDay) first = Math.min(first, Date.parse(r[0] + 'T00:00:00Z') || Infinity); });
        return Math.min(t, first);
      }, Infinity);
      // A node that joined later has fewer days: each day's fullest rollup, from any node.
      var fullest = new Map();
      list.forEach(function (x) {
        x.days.forEach(function (r) {
          var f = fullest.get(r[0]);
          if (!f || (r[1] | 0) > (f[1] | 0)) fullest.set(r[0], r);
        });
      });
      fullest.forEach(function (r, day) { ep.days.set(day, model.addDay(model.emptyDay(), r)); });
      out.set(key, ep);
    });
    return out;
  }

  // The places of an endpoint: every origin of the manifest with a result for it, by display
  // name, [{origin, name, state, rtt, t, reason}]. Its own summary's newest result counts, or its
  // vote when newer (its summary may not have loaded). An origin left out of the newest verdict's
  // votes, or whose newest result is older than 3 of its usual intervals (and 2 minutes), is
  // "stale", never its last state.
  function placesOf(ep, manifest, now) {
    var by = new Map();
    ep.sources.forEach(function (s) {
      if (s.last) by.set(s.origin, { origin: s.origin, name: s.location || s.origin, last: s.last, interval: s.interval, reason: s.reason, abstain: s.abstain });
    });
    var voted = new Map();
    arr(ep.votes).forEach(function (v) {
      voted.set(v.origin, v);
      var p = by.get(v.origin);
      if (!p) by.set(v.origin, p = { origin: v.origin, name: v.origin, last: null, interval: 0, reason: '' });
      if (!p.last || v.t > p.last.t) {
        p.last = { t: v.t, state: v.state, rtt: v.rtt };
        p.reason = v.reason;
      }
    });
    var out = [];
    by.forEach(function (p, origin) {
      if (!manifest.has(origin)) return;
      var stale = (ep.votes && !voted.has(origin)) || model.outdated(p.last, p.interval, now);
      // A node whose own network is out (its canary) says so, rather than looking stale.
      var s = stale && p.abstain && !model.outdated(p.last, p.interval, now) ? 'abstain' : stale ? 'stale' : p.last.state;
      out.push({ origin: origin, name: p.name, state: s, rtt: s === 'down' || stale ? null : p.last.rtt, t: p.last.t,
        reason: s === 'abstain' ? 'not voting: ' + p.abstain : s === 'healthy' ? '' : p.reason });
    });
    return out.sort(function (a, b) { return a.name.localeCompare(b.name) || a.origin.localeCompare(b.origin); });
  }

  // The model from the loaded summaries ([{origin, summary}]) of the manifest's origins.
  function fromSummaries(loaded, origins, failed) {
    var replace = verdictEndpoints(loaded);
    var m = model.fromSummaries(loaded, origins.length, failed, replace);
    m.verdicts = replace.size;
    if (replace.size) {
      var now = Date.now(), manifest = new Set(origins);
      m.endpoints.forEach(function (ep) { ep.places = placesOf(ep, manifest, now); });
    }
    return m;
  }

  checkup.verdicts = { fromSummaries: fromSummaries };
})(window.checkup = window.checkup || {});
