// Rendering of checkup.state.model: the overall banner, the info bar, and one card per endpoint
// (state, the places it is checked from (places.js), uptime windows, the daily bar from bar.js,
// the response-time chart from chart.js).
// Cards are kept by endpoint and updated in place, changing only what changed.
'use strict';
(function (checkup) {
  var u = checkup.util, fmt = checkup.fmt, settings = checkup.settings, state = checkup.state, bar = checkup.bar;
  var $ = u.$, el = u.el, setText = u.setText, setAttr = u.setAttr, setClass = u.setClass, plural = u.plural;
  var DAY = u.DAY, RANK = u.RANK, uptime = checkup.model.uptime;
  var HUMAN = { healthy: 'Operational', degraded: 'Degraded performance', down: 'Outage', unknown: 'No recent data', maintenance: 'Under maintenance' };
  var WINDOWS = [['24h', '24 hours', DAY], ['7d', '7 days', 7 * DAY], ['30d', '30 days', 30 * DAY], ['90d', '90 days', 90 * DAY]];
  var NONE_YET = 'No endpoints have been checked yet.';
  var mqOpen = window.matchMedia('(min-width: 900px)');

  var cards = new Map();          // key -> card element
  var cardSeq = 0;

  function overall() {
    var box = $('overall'), detail = $('overall-detail');
    var model = state.model, lastError = state.lastError;
    var s, msg = '';
    var eps = model ? model.endpoints : [];
    var live = eps.filter(function (ep) { return !ep.stale; });
    if (!model && lastError) s = 'unknown';
    else if (!model) s = 'loading';
    else {
      s = eps.length ? 'healthy' : 'unknown';
      (live.length ? live : eps).forEach(function (ep) { if (RANK[ep.state] > RANK[s]) s = ep.state; });
    }
    setClass(box, 'status-', s, u.STATES.concat('loading'));
    setText($('overall-text'), s === 'loading' ? 'Loading' : settings.statusText(s));
    if (lastError) {
      msg = 'Could not load ' + lastError + '.' + (model ? ' Showing the data loaded at ' + fmt.clock(model.at) + '.' : '') +
        ' Retrying every ' + settings.refresh + ' s.';
    } else if (model && !eps.length) {
      msg = model.mode === 'checkfiles' ? 'No checks in the last ' + settings.timeframeText + '.' : NONE_YET;
    } else if (model) {
      var bad = live.filter(function (ep) { return ep.state !== 'healthy'; });
      if (!live.length) msg = 'No endpoint has been checked in the last 48 hours.';
      else if (!bad.length) msg = live.length === 1 ? 'The endpoint is operational.' : 'All ' + live.length + ' endpoints are operational.';
      else {
        msg = bad.slice(0, 4).map(function (ep) { return ep.title + ': ' + HUMAN[ep.state].toLowerCase(); }).join(' · ') +
          (bad.length > 4 ? ' · and ' + (bad.length - 4) + ' more' : '');
      }
    }
    setText(detail, msg);
    detail.classList.toggle('error', !!lastError);
    detail.hidden = !msg;
  }

  function infobar() {
    var model = state.model, last = 0, what;
    if (model) model.endpoints.forEach(function (ep) { if (ep.last) last = Math.max(last, ep.last.t); });
    if (!model) what = state.lastError ? 'No data loaded' : 'Loading…';
    else if (model.mode === 'summaries') {
      var i = model.info;
      what = plural(model.endpoints.length, 'endpoint') + ' · summaries from ' + plural(i.nodes, 'node') +
        (i.failed.length ? ' (' + i.failed.length + ' of ' + i.expected + ' unavailable)' : '');
    } else {
      what = plural(model.endpoints.length, 'endpoint') + ' · ' + plural(model.info.files, 'check file') + ' from the last ' +
        settings.timeframeText + (model.info.failed ? ' (' + model.info.failed + ' could not be loaded)' : '');
    }
    setText($('check-count'), what);
    var lc = $('last-check');
    if (last) u.keepAgo(lc, 'Last check: ', last);
    else setText(lc, 'Last check: ' + (model ? 'none' : state.lastError ? 'unknown' : '…'));
  }

  function makeCard(ep) {
    var id = 'ep-' + (++cardSeq);
    var card = el('article', 'endpoint');
    card.dataset.endpoint = ep.endpoint;
    card.dataset.title = ep.title;
    card.setAttribute('aria-labelledby', id + '-name');

    var head = el('div', 'endpoint-head', null, card);
    var ident = el('div', 'endpoint-id', null, head);
    var h = el('h3', 'name', ep.title, ident);
    h.id = id + '-name';
    var href = u.absoluteHref(ep.endpoint);
    if (href) {
      var a = el('a', 'url', ep.endpoint, ident);
      a.href = href;
      a.rel = 'noopener noreferrer';
    } else if (ep.endpoint) {
      el('span', 'url', ep.endpoint, ident);
    }
    var side = el('div', 'endpoint-status', null, head);
    var pill = el('span', 'pill', null, side);
    el('span', 'dot', null, pill).setAttribute('aria-hidden', 'true');
    el('span', 'visually-hidden', 'Current state: ', pill);
    el('span', 'state', null, pill);
    el('span', 'checked', null, side);

    // Each term and value straight inside the <dl> (the CSS lays the pairs out): screen readers
    // and older checkers pair them reliably only so.
    var dl = el('dl', 'uptime', null, card);
    dl.setAttribute('aria-label', 'Uptime');
    WINDOWS.forEach(function (w) {
      el('dt', null, w[1], dl);
      el('dd', null, '—', dl).dataset.window = w[0];
    });

    bar.make(card, id);

    var det = el('details', 'rtt', null, card);
    if (mqOpen.matches) det.open = true;
    var sum = el('summary', null, null, det);
    el('span', 'rtt-title', 'Response time', sum);
    el('span', 'rtt-summary', null, sum);
    var box = el('div', 'chart', null, det);
    var readout = el('p', 'chart-readout', null, det);
    readout.setAttribute('aria-live', 'polite');
    el('ul', 'chart-legend', null, det).setAttribute('aria-hidden', 'true');
    det.addEventListener('toggle', function () { if (det.open) drawChart(card, true); });
    if (observer) observer.observe(box);
    card._box = box;
    return card;
  }

  function renderCard(card, ep, now) {
    card._ep = ep;
    setClass(card, 'state-', ep.state, u.STATES);
    setText(card.querySelector('.state'), ep.state);
    var pill = card.querySelector('.pill');
    setAttr(pill, 'title', HUMAN[ep.state]);
    var checked = card.querySelector('.checked');
    if (ep.last) {
      u.keepAgo(checked, '', ep.last.t);
      var rtt = checked.querySelector('.last-rtt') || el('span', 'last-rtt', null, checked);
      setText(rtt, ep.last.state !== 'down' && ep.last.rtt ? ' · ' + fmt.duration(ep.last.rtt) : '');
    } else {
      setText(checked, 'Never checked');
    }
    WINDOWS.forEach(function (w) {
      var dd = card.querySelector('.uptime [data-window="' + w[0] + '"]');
      var p = uptime(ep, w[2], now);
      setText(dd, fmt.percent(p));
      setClass(dd, 'lvl-', p == null ? 'none' : p >= 99.9 ? 'good' : p >= 99 ? 'fair' : 'poor', ['none', 'good', 'fair', 'poor']);
    });
    checkup.places.render(card, ep);
    bar.render(card, ep, now);
  }

  // A closed <details> has no layout: a chart is drawn at the bar's width, and again when opened.
  function chartWidth(card) {
    return card._box.parentNode.open ? card._box.clientWidth : card.querySelector('.uptime-bar').clientWidth;
  }

  function drawChart(card, force, knownWidth) {
    var ep = card._ep, box = card._box, det = box.parentNode;
    if (!ep) return;
    var width = knownWidth || chartWidth(card);
    if (!width) return;
    var now = Date.now();
    var pts = ep.recent.filter(function (p) { return p.t >= now - DAY; });
    var sig = [width, ep.threshold, pts.length, pts.length ? pts[0].t + ':' + pts[pts.length - 1].t : '', bar.daysShown()].join('|');
    if (!force && box.dataset.sig === sig) return;
    if (force && box.dataset.sig === sig && box.firstChild) return;
    box.dataset.sig = sig;
    var readout = det.querySelector('.chart-readout');
    var idle = 'Hover or focus the chart for details.';
    readout.textContent = idle;
    var c = checkup.chart(pts.map(function (p) { return { t: p.t, state: p.state, v: p.rtt, phases: p.phases }; }), {
      width: width, height: width < 420 ? 150 : 180, threshold: ep.threshold, now: now, span: DAY, readout: readout
    });
    if (box.firstChild) box.replaceChild(c.svg, box.firstChild); else box.appendChild(c.svg);
    setText(det.querySelector('.rtt-summary'), c.median != null ? fmt.duration(c.median) + ' median · 24 h' : 'No data in 24 h');
    var legend = det.querySelector('.chart-legend');
    legend.textContent = '';
    var items = [['median', 'Median']];
    if (c.phases) checkup.chart.PHASES.forEach(function (p, i) { items.push(['phase-' + i, p.label]); });
    if (ep.threshold) items.push(['threshold', 'Threshold']);
    if (pts.some(function (p) { return p.state === 'down'; })) items.push(['down', 'Down']);
    items.forEach(function (it) {
      var li = el('li', null, null, legend);
      el('span', 'swatch swatch-' + it[0], null, li);
      li.appendChild(document.createTextNode(it[1]));
    });
  }

  // Redraws a chart when its box changes width.
  var observer = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (e) {
      var card = e.target.closest('.endpoint');
      if (card && card._ep) requestAnimationFrame(function () { drawChart(card, false); });
    });
  }) : null;

  function endpoints(now) {
    var model = state.model, list = $('endpoints'), keep = new Set(), eps = model ? model.endpoints : [];
    eps.forEach(function (ep, i) {
      keep.add(ep.key);
      renderCard(u.place(list, cards, ep.key, i, function () { return makeCard(ep); }), ep, now);
    });
    // Every width first (one layout), then every chart: reading a width after each drawing would
    // lay the page out again for each endpoint.
    var widths = eps.map(function (ep) { return chartWidth(cards.get(ep.key)); });
    eps.forEach(function (ep, i) { drawChart(cards.get(ep.key), false, widths[i]); });
    u.prune(cards, keep, function (card) { if (observer) observer.unobserve(card._box); });
    var none = $('no-endpoints');
    none.hidden = eps.length > 0 || (!model && !state.lastError);
    setText(none, model ? (model.mode === 'checkfiles' ? 'No endpoints have been checked in the last ' + settings.timeframeText + '.'
      : NONE_YET) : 'No results could be loaded yet.');
  }

  checkup.render = { overall: overall, infobar: infobar, endpoints: endpoints };
})(window.checkup = window.checkup || {});
