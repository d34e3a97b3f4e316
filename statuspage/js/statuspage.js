// The status page's entry point: loads the model (summaries when the store has them, else the
// check files themselves: one model, one renderer), renders it, refreshes it every
// refresh_interval seconds and wires the page's controls. index.html loads it last, after the
// files it uses (each adds its part to window.checkup; a file uses only those before it).
'use strict';
(function (checkup) {
  var u = checkup.util, fmt = checkup.fmt, settings = checkup.settings, state = checkup.state;
  var $ = u.$, setText = u.setText, REFRESH = settings.refresh;

  // The model, and beside it the incidents, windows and groups: from the manifest's copies
  // when it has them, else from their own files. Resolves to [model promise, views promise];
  // a manifest that cannot be read fails the model only.
  function load() {
    return checkup.store.manifest().then(function (m) {
      return [m.origins.length ? checkup.store.loadSummaries(m.origins) : checkup.checkfiles.load(), views(m)];
    }, function (err) { return [Promise.reject(err), views(null)]; });
  }

  function views(m) {
    return Promise.all([checkup.incidents.load(m && m.incidents), checkup.maintenance.load(m && m.windows),
                        checkup.groups.load(m && m.components)]);
  }

  function render() {
    var now = Date.now();
    checkup.maintenance.apply(state.model, now);
    checkup.render.overall();
    checkup.render.infobar();
    checkup.render.endpoints(now);
    checkup.timeline.render();
    checkup.incidents.render();
    checkup.maintenance.render(now);
    checkup.groups.render();
    document.body.classList.toggle('is-loaded', !!state.model);
  }

  function refresh() {
    if (state.busy) return Promise.resolve();
    state.busy = true;
    var incidents;
    return load().then(function (both) {
      incidents = both[1];
      return both[0];
    }).then(function (m) {
      m.at = Date.now();
      state.model = m;
      state.lastError = null;
      state.loaded = true;
    }, function (err) {
      state.lastError = err && err.message ? err.message : String(err);
      if (window.console) console.warn('checkup: could not load ' + state.lastError);
    }).then(function () { return incidents; }).then(function () {
      state.busy = false;
      state.stats.loads++;
      try {
        render();
      } finally {
        if (!state.rendered && (state.loaded || state.lastError)) {
          state.rendered = true;
          if (window.performance && performance.mark) performance.mark('checkup-rendered');
          document.documentElement.dataset.rendered = '1';
        }
      }
    });
  }

  function tickAgo() {
    var now = Date.now();
    document.querySelectorAll('time.ago').forEach(function (t) {
      setText(t, fmt.ago(Number(t.dataset.ago), now, t.dataset.short === '1'));
    });
  }

  function start() {
    setText($('page-title'), settings.title);
    document.title = settings.title;
    setText($('refresh-note'), 'Updates every ' + (REFRESH % 60 ? REFRESH + ' seconds' : REFRESH === 60 ? 'minute' : REFRESH / 60 + ' minutes'));
    $('timeline-more').addEventListener('click', checkup.timeline.more);
    checkup.bar.attach($('endpoints'));
    checkup.bar.onDaysChange(function () { if (state.model) checkup.render.endpoints(Date.now()); });
    render();
    refresh();
    setInterval(refresh, REFRESH * 1000);
    setInterval(tickAgo, 5000);
  }

  var STORE = settings.store;
  checkup.statuspage = { refresh: refresh, render: render, storage: { type: STORE.type, base: STORE.base } };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})(window.checkup = window.checkup || {});
