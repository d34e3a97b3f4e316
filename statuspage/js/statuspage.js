// Loads checkup results (index.json + check files) and renders the status page.
'use strict';
(function (checkup) {
  var cfg = checkup.config || {};
  var fmt = checkup.fmt;
  var TIMEFRAME = cfg.timeframe > 0 ? cfg.timeframe : 864e11;           // ns
  var REFRESH = Math.max(5, Number(cfg.refresh_interval) || 60);          // s
  var BASE = String((cfg.storage && cfg.storage.url != null) ? cfg.storage.url : '/').replace(/\/+$/, '');
  var NAME_RE = /^\d+-check\.json$/;
  var PARALLEL = 6;
  var STATES = ['healthy', 'degraded', 'down', 'unknown'];
  var RANK = { healthy: 0, unknown: 1, degraded: 2, down: 3 };
  var TEXT = {
    healthy: 'System Nominal', degraded: 'Sub-Optimal', down: 'Outage', unknown: 'Status Unknown'
  };
  var STATUS_CLASSES = ['healthy', 'degraded', 'down', 'unknown', 'loading'].map(function (s) { return 'status-' + s; });

  var requested = new Set();      // file names fetched or being fetched: never fetched twice
  var files = new Map();          // name -> index time (ns), for files within the timeframe
  var endpoints = new Map();      // key -> {key, title, endpoint, results: [...] ascending}
  var cards = new Map();          // key -> card element
  var busy = false, loaded = false, lastError = null;

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text, parent) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  // Messages may use a little HTML (the original inserted them raw: XSS). They are parsed into the
  // inert content of a <template> (nothing there runs or loads), and only an allow-list is rebuilt
  // as new DOM nodes: a (http/https href only, opened safely), b, strong, i, em, code, br, p, ul,
  // ol, li. Any other element is shown as its literal markup, with its content rendered inside.
  var ALLOWED = { A: 1, B: 1, STRONG: 1, I: 1, EM: 1, CODE: 1, BR: 1, P: 1, UL: 1, OL: 1, LI: 1 };

  function renderMessage(html, target) {
    var inert = document.createElement('template');
    inert.innerHTML = html;
    copyAllowed(inert.content, target);
  }

  function copyAllowed(from, to) {
    for (var n = from.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3) { to.appendChild(document.createTextNode(n.nodeValue)); continue; }
      if (n.nodeType !== 1) continue;   // comments and the like are dropped
      var tag = n.tagName.toUpperCase();
      if (ALLOWED[tag]) {
        var copy = document.createElement(tag.toLowerCase());
        if (tag === 'A') {
          var href = safeHref(n.getAttribute('href'));
          if (href) {
            copy.href = href;
            copy.rel = 'noopener noreferrer';
            copy.target = '_blank';
          }
        }
        copyAllowed(n, copy);
        to.appendChild(copy);
      } else {
        var shown = n.outerHTML, inner = n.innerHTML;
        var open = inner && shown.lastIndexOf(inner) > 0 ? shown.slice(0, shown.lastIndexOf(inner)) : shown;
        to.appendChild(document.createTextNode(open));
        if (inner) {
          copyAllowed(n, to);
          to.appendChild(document.createTextNode('</' + n.tagName.toLowerCase() + '>'));
        }
      }
    }
  }

  function safeHref(value) {
    try {
      var u = new URL(value, window.location.href);
      return (u.protocol === 'http:' || u.protocol === 'https:') ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  // A <time> whose text is "x ago", kept fresh by tickAgo().
  function agoEl(ms, parent) {
    var t = el('time', 'ago', fmt.ago(ms), parent);
    t.dataset.ago = String(Math.round(ms));
    t.dateTime = new Date(ms).toISOString();
    t.title = fmt.full(ms);
    return t;
  }

  function setText(node, text) { if (node.textContent !== text) node.textContent = text; }

  function safeHref(s) {
    try {
      var u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') ? u.href : null;
    } catch (e) { return null; }
  }

  function median(nums) {
    if (!nums.length) return null;
    var a = nums.slice().sort(function (x, y) { return x - y; }), m = a.length >> 1;
    return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
  }

  function stateOf(r) {
    return r.down ? 'down' : r.degraded ? 'degraded' : r.healthy ? 'healthy' : 'unknown';
  }

  function statusText(state) {
    var t = cfg.status_text && cfg.status_text[state];
    return typeof t === 'string' && t ? t : TEXT[state];
  }

  // ---- loading ----

  function fetchJSON(url, opts) {
    return fetch(url, opts).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status + (res.statusText ? ' ' + res.statusText : ''));
      return res.json();
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

  function addFile(name, stored, data) {
    if (!Array.isArray(data)) throw new Error(name + ' is not a JSON array');
    files.set(name, stored);
    data.forEach(function (r) {
      if (!r || typeof r !== 'object' || typeof r.timestamp !== 'number') return;
      var title = String(r.title || r.endpoint || 'Untitled'), endpoint = String(r.endpoint || '');
      var key = endpoint + '\n' + title;
      var times = Array.isArray(r.times) ? r.times.filter(function (t) { return t && typeof t === 'object'; }) : [];
      var rtts = times.map(function (t) { return Number(t.rtt); }).filter(isFinite);
      var errs = times.map(function (t) { return t.error; }).filter(function (e) { return typeof e === 'string' && e; });
      var ep = endpoints.get(key);
      if (!ep) endpoints.set(key, ep = { key: key, title: title, endpoint: endpoint, results: [] });
      ep.results.push({
        ms: r.timestamp / 1e6,
        state: stateOf(r),
        median: median(rtts),
        threshold: Number(r.threshold) > 0 ? Number(r.threshold) : 0,
        error: errs[0] || '',
        attempts: times.length,
        notice: typeof r.notice === 'string' ? r.notice : '',
        message: typeof r.message === 'string' ? r.message.trim() : ''
      });
    });
  }

  // Forgets results that fell out of the timeframe (file names stay in `requested`).
  function prune() {
    var cutoffNs = Date.now() * 1e6 - TIMEFRAME, cutoffMs = cutoffNs / 1e6;
    files.forEach(function (stored, name) { if (stored < cutoffNs) files.delete(name); });
    endpoints.forEach(function (ep, key) {
      ep.results = ep.results.filter(function (r) { return r.ms >= cutoffMs; });
      if (!ep.results.length) endpoints.delete(key);
    });
  }

  function refresh() {
    if (busy) return Promise.resolve();
    busy = true;
    return fetchJSON(BASE + '/index.json?t=' + Date.now(), { cache: 'no-store' }).then(function (index) {
      if (!index || typeof index !== 'object' || Array.isArray(index)) throw new Error('index.json is not a JSON object');
      var cutoffNs = Date.now() * 1e6 - TIMEFRAME;
      var names = Object.keys(index).filter(function (n) {
        return NAME_RE.test(n) && typeof index[n] === 'number' && index[n] >= cutoffNs && !requested.has(n);
      });
      names.forEach(function (n) { requested.add(n); });
      return mapLimit(names, PARALLEL, function (n) {
        return fetchJSON(BASE + '/' + n).then(function (data) { addFile(n, index[n], data); }, function (err) {
          requested.delete(n);   // failed: allow one more try on the next refresh
          console.warn('checkup: could not load ' + n + ': ' + err.message);
        });
      });
    }).then(function () {
      lastError = null;
      loaded = true;
    }, function (err) {
      lastError = 'Could not load index.json (' + err.message + ').';
      console.error('checkup: ' + lastError);
    }).then(function () {
      busy = false;
      prune();
      render();
    });
  }

  // ---- rendering ----

  function sortedEndpoints() {
    var list = Array.from(endpoints.values());
    list.forEach(function (ep) { ep.results.sort(function (a, b) { return a.ms - b.ms; }); });
    return list.sort(function (a, b) {
      return a.title.localeCompare(b.title) || a.endpoint.localeCompare(b.endpoint);
    });
  }

  function renderOverall(list) {
    var box = $('overall'), detail = $('overall-detail');
    var state;
    if (!loaded && lastError) state = 'unknown';
    else if (!loaded) state = 'loading';
    else {
      state = list.length ? 'healthy' : 'unknown';
      list.forEach(function (ep) {
        var s = ep.results[ep.results.length - 1].state;
        if (RANK[s] > RANK[state]) state = s;
      });
    }
    STATUS_CLASSES.forEach(function (c) { box.classList.toggle(c, c === 'status-' + state); });
    setText($('overall-text'), state === 'loading' ? 'Loading' : statusText(state));
    var msg = '';
    if (lastError) msg = lastError + (loaded ? ' Showing earlier data.' : '') + ' Retrying every ' + REFRESH + ' s.';
    else if (loaded && !list.length) msg = 'No checks in the last ' + fmt.span(TIMEFRAME) + '.';
    setText(detail, msg);
    detail.classList.toggle('error', !!lastError);
    detail.hidden = !msg;
  }

  function renderInfobar(list) {
    var last = 0;
    list.forEach(function (ep) { last = Math.max(last, ep.results[ep.results.length - 1].ms); });
    setText($('check-count'), loaded ? files.size + ' check' + (files.size === 1 ? '' : 's') + ' in the last ' + fmt.span(TIMEFRAME)
      : lastError ? 'No data loaded' : 'Loading checks…');
    var lc = $('last-check');
    lc.textContent = 'Last check: ';
    if (last) agoEl(last, lc); else lc.appendChild(document.createTextNode(loaded ? 'none' : lastError ? 'unknown' : '…'));
  }

  function makeCard(ep) {
    var card = el('article', 'endpoint');
    card.dataset.endpoint = ep.endpoint;
    card.dataset.title = ep.title;
    var head = el('header', 'endpoint-head', null, card);
    var h = el('h3', 'endpoint-title', null, head);
    var href = safeHref(ep.endpoint);
    if (href) {
      var a = el('a', null, ep.title, h);
      a.href = href;
      a.rel = 'noopener noreferrer';
    } else {
      h.textContent = ep.title;
    }
    el('span', 'state', null, head);
    el('p', 'endpoint-url', ep.endpoint, card);
    var dl = el('dl', 'stats', null, card);
    [['Last check', 'last-checked'], ['Median RTT', 'rtt'], ['Threshold', 'threshold']].forEach(function (p) {
      var d = el('div', 'stat stat-' + p[1], null, dl);
      el('dt', null, p[0], d);
      el('dd', p[1], null, d);
    });
    el('p', 'notice', null, card).hidden = true;
    var box = el('div', 'chart', null, card);
    if (observer) observer.observe(box);
    return card;
  }

  function drawChart(card, ep) {
    var box = card.querySelector('.chart');
    var latest = ep.results[ep.results.length - 1];
    var points = ep.results.filter(function (r) { return r.median != null; }).map(function (r) {
      return { t: r.ms, v: r.median, state: r.state, label: fmt.clock(r.ms) + ': ' + fmt.duration(r.median) + ', ' + r.state };
    });
    box.dataset.width = String(box.clientWidth);
    var svg = checkup.chart(points, { width: box.clientWidth, height: 150, threshold: latest.threshold, title: ep.title });
    if (box.firstChild) box.replaceChild(svg, box.firstChild); else box.appendChild(svg);
  }

  // Redraws a chart when its box changes width (window resize, scrollbar appearing, grid reflow).
  var resized = new Set(), resizeFrame = 0;
  var observer = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (e) {
      if (String(e.target.clientWidth) !== e.target.dataset.width) resized.add(e.target.closest('.endpoint'));
    });
    if (resized.size && !resizeFrame) resizeFrame = requestAnimationFrame(function () {
      resizeFrame = 0;
      cards.forEach(function (card, key) { if (resized.has(card)) drawChart(card, endpoints.get(key)); });
      resized.clear();
    });
  }) : null;

  function renderCards(list) {
    var grid = $('endpoints'), keep = new Set();
    list.forEach(function (ep, i) {
      keep.add(ep.key);
      var card = cards.get(ep.key);
      if (!card) cards.set(ep.key, card = makeCard(ep));
      if (grid.children[i] !== card) grid.insertBefore(card, grid.children[i] || null);
      var latest = ep.results[ep.results.length - 1];
      STATES.forEach(function (s) { card.classList.toggle('state-' + s, s === latest.state); });
      setText(card.querySelector('.state'), latest.state);
      var lc = card.querySelector('dd.last-checked');
      lc.textContent = '';
      agoEl(latest.ms, lc);
      setText(card.querySelector('dd.rtt'), fmt.duration(latest.median));
      card.querySelector('.stat-threshold').hidden = !latest.threshold;
      setText(card.querySelector('dd.threshold'), latest.threshold ? fmt.duration(latest.threshold) : '');
      var notice = card.querySelector('.notice');
      setText(notice, latest.notice);
      notice.hidden = !latest.notice;
      drawChart(card, ep);
    });
    cards.forEach(function (card, key) {
      if (!keep.has(key)) {
        if (observer) observer.unobserve(card.querySelector('.chart'));
        card.remove();
        cards.delete(key);
      }
    });
    $('no-endpoints').hidden = list.length > 0 || !loaded;
  }

  var VERB = { healthy: 'is healthy', degraded: 'is degraded', down: 'is down', unknown: 'is in an unknown state' };

  function renderTimeline(list) {
    var events = [];
    list.forEach(function (ep) {
      var prev = null, lastMsg = '';
      ep.results.forEach(function (r) {
        if (prev ? r.state !== prev.state : r.state !== 'healthy') {
          events.push({ ms: r.ms, ep: ep, kind: 'change', state: r.state, from: prev && prev.state, error: r.error });
        }
        if (r.message && r.message !== lastMsg) events.push({ ms: r.ms, ep: ep, kind: 'message', text: r.message });
        if (r.message) lastMsg = r.message;
        prev = r;
      });
    });
    events.sort(function (a, b) { return b.ms - a.ms || (a.kind === 'message' ? -1 : 1); });

    var items = events.slice(0, 200).map(function (ev) {
      var li = el('li', 'event ' + (ev.kind === 'message' ? 'message' : 'change state-' + ev.state));
      li.dataset.endpoint = ev.ep.endpoint;
      var meta = el('p', 'event-meta', null, li);
      var t = el('time', 'event-time', fmt.clock(ev.ms), meta);
      t.dateTime = new Date(ev.ms).toISOString();
      t.title = fmt.full(ev.ms);
      meta.appendChild(document.createTextNode(' · '));
      agoEl(ev.ms, meta);
      var p = el('p', 'event-text', null, li);
      el('strong', 'event-title', ev.ep.title, p);
      if (ev.kind === 'message') {
        p.appendChild(document.createTextNode(': '));
        renderMessage(ev.text, el('span', 'message-text', null, p));
      } else {
        var verb = ev.state === 'healthy' && ev.from ? 'is back to healthy' : VERB[ev.state];
        p.appendChild(document.createTextNode(' ' + verb + (ev.from ? ' (was ' + ev.from + ')' : '')));
        if (ev.error && ev.state !== 'healthy') el('p', 'event-error', ev.error, li);
      }
      return li;
    });
    if (!items.length && loaded) {
      items.push(el('li', 'empty', 'No incidents or messages in the last ' + fmt.span(TIMEFRAME) + '.'));
    }
    var tl = $('timeline');
    tl.textContent = '';
    items.forEach(function (li) { tl.appendChild(li); });
  }

  function render() {
    var list = sortedEndpoints();
    renderOverall(list);
    renderInfobar(list);
    renderCards(list);
    renderTimeline(list);
    document.body.classList.toggle('is-loaded', loaded);
  }

  function tickAgo() {
    var now = Date.now();
    document.querySelectorAll('time.ago').forEach(function (t) {
      setText(t, fmt.ago(Number(t.dataset.ago), now));
    });
  }

  function start() {
    setText($('timeframe-text'), fmt.span(TIMEFRAME));
    render();
    refresh();
    setInterval(refresh, REFRESH * 1000);
    setInterval(tickAgo, 5000);
  }

  checkup.statuspage = { refresh: refresh, render: render };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})(window.checkup = window.checkup || {});
