// Incidents: summaries/_incidents.json (written by `checkup incident …`) read on every refresh;
// the open ones shown at the top with their updates, the others below as a history by month
// (UTC months, as the daily bars are UTC days). Every text is the operator's: set as text only.
'use strict';
(function (checkup) {
  var u = checkup.util, fmt = checkup.fmt, state = checkup.state;
  var $ = u.$, el = u.el, str = u.str, arr = u.arr;
  var NAME = 'summaries/_incidents.json';
  var STATUS = { investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved' };
  var IMPACT = { minor: 'Minor', major: 'Major', critical: 'Critical' };
  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
    'November', 'December'];

  function time(v) { var t = Date.parse(str(v)); return isFinite(t) ? t : null; }
  function known(map, v) { return Object.prototype.hasOwnProperty.call(map, v) ? v : null; }

  // The incidents of the file, checked field by field: an entry without an id or an opening
  // time is dropped, unknown states become the mildest.
  function parse(doc) {
    return arr(doc && doc.incidents).map(function (i) {
      if (!i || typeof i !== 'object') return null;
      var opened = time(i.opened);
      if (!str(i.id) || opened == null) return null;
      return {
        id: str(i.id), name: str(i.name), opened: opened, resolved: time(i.resolved),
        impact: known(IMPACT, i.impact) || 'minor', status: known(STATUS, i.status) || 'investigating',
        about: arr(i.about).map(str).filter(Boolean),
        updates: arr(i.updates).map(function (e) {
          return e && typeof e === 'object' && time(e.time) != null ?
            { t: time(e.time), status: known(STATUS, e.status) || 'investigating', text: str(e.text) } : null;
        }).filter(Boolean)
      };
    }).filter(Boolean);
  }

  // Loads the incidents into state.incidents; a missing file is none, an unreadable one keeps
  // the last ones loaded.
  // `copy`: the page index's copy of the file's list (store.js), which spares the request.
  function load(copy) {
    if (copy) { state.incidents = parse({ incidents: copy }); return Promise.resolve(); }
    return checkup.store.getJSON(NAME, null, true).then(function (doc) {
      state.incidents = parse(doc);
    }, function (err) {
      if (window.console) console.warn('checkup: could not load ' + (err && err.message));
    });
  }

  // An incident as an article: an open one is headed one level below its section's h2, one in
  // the history one below its month's h3 (so a heading list nests it under the month).
  function article(i, open) {
    var a = el('article', 'incident impact-' + i.impact + (open ? ' is-open' : ''));
    a.dataset.incident = i.id;
    var head = el('div', 'incident-head', null, a);
    u.name(a, el(open ? 'h3' : 'h4', 'incident-name', i.name, head), 'incident-' + i.id);
    el('span', 'incident-status status-' + i.status, STATUS[i.status], head);
    var meta = el('p', 'incident-meta', IMPACT[i.impact] + ' impact' + (i.about.length ? ' · ' + i.about.join(', ') : ''), a);
    meta.appendChild(document.createTextNode(' · opened '));
    timeEl(i.opened, meta);
    if (i.resolved != null) {
      meta.appendChild(document.createTextNode(' · resolved '));
      timeEl(i.resolved, meta);
    }
    var list = el('ol', 'incident-updates', null, a);
    i.updates.slice().reverse().forEach(function (e) {
      var li = el('li', 'incident-update', null, list);
      el('strong', 'update-status', STATUS[e.status], li);
      li.appendChild(document.createTextNode(' '));
      timeEl(e.t, li);
      el('p', 'update-text', e.text, li);
    });
    return a;
  }

  function timeEl(ms, parent) {
    var t = el('time', null, fmt.full(ms), parent);
    t.dateTime = new Date(ms).toISOString();
    return t;
  }

  function render() {
    var all = state.incidents || [];
    var open = all.filter(function (i) { return i.resolved == null; });
    var past = all.filter(function (i) { return i.resolved != null; });
    var openBox = $('incidents-open'), history = $('incidents-history');
    openBox.replaceChildren.apply(openBox, open.map(function (i) { return article(i, true); }));
    $('incidents-open-section').hidden = !open.length;
    var months = [], byMonth = {};
    past.sort(function (a, b) { return b.opened - a.opened; }).forEach(function (i) {
      var d = new Date(i.opened), key = d.getUTCFullYear() + '-' + (d.getUTCMonth() + 1);
      if (!byMonth[key]) {
        months.push(byMonth[key] = { label: MONTHS[d.getUTCMonth()] + ' ' + d.getUTCFullYear(), items: [] });
      }
      byMonth[key].items.push(i);
    });
    history.replaceChildren.apply(history, months.map(function (m) {
      var s = el('section', 'incident-month');
      el('h3', 'month-name', m.label, s);
      m.items.forEach(function (i) { s.appendChild(article(i, false)); });
      return s;
    }));
    $('incidents-history-empty').hidden = months.length > 0;
  }

  // The feeds live in the store, wherever config.js says it is.
  function linkFeeds() {
    document.querySelectorAll('#subscribe a[data-feed]').forEach(function (a) {
      var href = u.safeHref(checkup.settings.store.base + a.dataset.feed);
      if (href) a.href = href;
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', linkFeeds);
  else linkFeeds();

  checkup.incidents = { load: load, render: render, parse: parse };
})(window.checkup = window.checkup || {});
