// Planned maintenance: summaries/_maintenance.json (written by `checkup maintenance …` and by
// nodes whose config plans windows) read on every refresh. Endpoints in a window that is on show
// "maintenance" instead of their state, and the windows in progress or to come are listed under
// the banner. Texts are the operator's: set as text only.
'use strict';
(function (checkup) {
  var u = checkup.util, fmt = checkup.fmt, state = checkup.state;
  var $ = u.$, el = u.el, str = u.str, arr = u.arr;
  var NAME = 'summaries/_maintenance.json';

  function time(v) { var t = Date.parse(str(v)); return isFinite(t) ? t : null; }

  function parse(doc) {
    return arr(doc && doc.windows).map(function (w) {
      if (!w || typeof w !== 'object') return null;
      var from = time(w.from), until = time(w.until);
      if (!str(w.id) || from == null || until == null || w.cancelled != null) return null;
      return { id: str(w.id), from: from, until: until, text: str(w.text), about: arr(w.about).map(str).filter(Boolean) };
    }).filter(Boolean).sort(function (a, b) { return a.from - b.from; });
  }

  // `copy`: the page index's copy of the file's list (store.js), which spares the request.
  function load(copy) {
    if (copy) { state.maintenance = parse({ windows: copy }); return Promise.resolve(); }
    return checkup.store.getJSON(NAME, null, true).then(function (doc) {
      state.maintenance = parse(doc);
    }, function (err) {
      if (window.console) console.warn('checkup: could not load ' + (err && err.message));
    });
  }

  // The window that covers the endpoint titled `title` at `now`, or null.
  function covering(title, now) {
    var t = str(title).toLowerCase();
    return (state.maintenance || []).find(function (w) {
      return w.from <= now && now < w.until && w.about.some(function (a) { return a.toLowerCase() === t; });
    }) || null;
  }

  // Marks the model's endpoints that are under maintenance now (their own state is kept in
  // ep.measured, so a window that ends gives it back at the next load).
  function apply(model, now) {
    if (!model) return;
    model.endpoints.forEach(function (ep) {
      if (ep.measured == null) ep.measured = ep.state;
      ep.state = covering(ep.title, now) ? 'maintenance' : ep.measured;
    });
  }

  function render(now) {
    var list = (state.maintenance || []).filter(function (w) { return w.until > now; });
    var box = $('maintenance-list');
    box.replaceChildren.apply(box, list.map(function (w) {
      var a = el('article', 'maintenance' + (w.from <= now ? ' is-on' : ''));
      a.dataset.maintenance = w.id;
      var head = el('div', 'incident-head', null, a);
      u.name(a, el('h3', 'incident-name', w.about.join(', '), head), 'maintenance-' + w.id);
      el('span', 'incident-status', w.from <= now ? 'In progress' : 'Scheduled', head);
      var when = el('p', 'incident-meta', null, a);
      // The dash is read as "to": a screen reader says "dash", or nothing, for "–".
      timeEl(w.from, when);
      el('span', null, ' – ', when).setAttribute('aria-hidden', 'true');
      el('span', 'visually-hidden', ' to ', when);
      timeEl(w.until, when);
      if (w.text) el('p', 'update-text', w.text, a);
      return a;
    }));
    $('maintenance-section').hidden = !list.length;
  }

  function timeEl(ms, parent) {
    var t = el('time', null, fmt.full(ms), parent);
    t.dateTime = new Date(ms).toISOString();
    return t;
  }

  checkup.maintenance = { load: load, apply: apply, render: render, covering: covering, parse: parse };
})(window.checkup = window.checkup || {});
