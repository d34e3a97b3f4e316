// An endpoint's daily uptime bar (one cell per UTC day, 30, 60 or 90 of them by width), its
// roving keyboard focus, and the one tooltip the bars share, on hover and on focus.
'use strict';
(function (checkup) {
  var u = checkup.util, fmt = checkup.fmt, settings = checkup.settings, state = checkup.state;
  var el = u.el, setText = u.setText, setAttr = u.setAttr, plural = u.plural, DAY = u.DAY;
  var dayLevel = checkup.model.dayLevel, uptimeOf = checkup.model.uptimeOf;
  var mqWide = settings.wide;
  var mqMid = window.matchMedia('(min-width: 480px)');
  // A day's kind in words, as the key names it (its colour and shape say the same).
  var WORD = { up: 'operational', degraded: 'degraded', minor: 'outage', partial: 'outage', major: 'outage', none: 'no data' };

  function daysShown() { return mqWide.matches ? 90 : mqMid.matches ? 60 : 30; }

  // Calls fn when the width crosses a breakpoint that changes daysShown().
  function onDaysChange(fn) {
    [mqWide, mqMid].forEach(function (mq) {
      if (mq.addEventListener) mq.addEventListener('change', fn); else if (mq.addListener) mq.addListener(fn);
    });
  }

  // The bar's elements in a new card; `id` prefixes the ids inside the card.
  function make(card, id) {
    var bar = el('div', 'bar', null, card);
    var ol = el('ol', 'uptime-bar', null, bar);
    ol.id = id + '-bar';
    ol.addEventListener('keydown', barKeys);
    var legend = el('div', 'bar-legend', null, bar);
    legend.setAttribute('aria-hidden', 'true');
    el('span', 'bar-start', null, legend);
    el('span', 'bar-uptime', null, legend);
    el('span', 'bar-end', 'Today', legend);
  }

  function render(card, ep, now) {
    var n = daysShown(), ol = card.querySelector('.uptime-bar');
    while (ol.children.length > n) ol.removeChild(ol.firstChild);
    while (ol.children.length < n) {
      var li = document.createElement('li');
      li.className = 'day';
      li.tabIndex = -1;
      ol.insertBefore(li, ol.firstChild);
    }
    var d0 = new Date(now), today = Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth(), d0.getUTCDate());
    var checkFiles = state.model.mode === 'checkfiles';
    var h = 0, d = 0, tot = 0, focusable = null;
    for (var i = 0; i < n; i++) {
      var start = today - (n - 1 - i) * DAY;
      var cell = ol.children[i], key = u.dayKey(start), a = ep.days.get(key);
      var level = dayLevel(a);
      if (checkFiles && start + DAY < now - settings.timeframeMs) level = 'none';
      if (cell.dataset.day !== key) cell.dataset.day = key;
      var cls = 'day ' + level;
      if (cell.className !== cls) cell.className = cls;
      var inc = ep.incidents.get(key) || 0;
      var pct = uptimeOf(a);
      if (pct != null) { h += a.h; d += a.d; tot += a.n - a.u; }
      setAttr(cell, 'aria-label', fmt.day(key) + ': ' + (pct == null || level === 'none' ? 'no data' : WORD[level] + ', ' +
        fmt.percent(pct) + ' uptime' + (inc ? ', ' + plural(inc, 'incident') : '')));
      cell._tip = { key: key, a: a, pct: pct, inc: inc, level: level };
      if (cell.tabIndex === 0) focusable = cell;
    }
    if (!focusable) ol.lastChild.tabIndex = 0;
    var total = tot ? (h + d) / tot * 100 : null;
    setAttr(ol, 'aria-label', n + '-day uptime ' + (total == null ? 'no data' : fmt.percent(total)) + '. Use the arrow keys for each day.');
    setText(card.querySelector('.bar-start'), n + ' days ago');
    setText(card.querySelector('.bar-uptime'), total == null ? 'No data' : fmt.percent(total) + ' uptime');
    if (tipCell && tipCell.parentNode === ol) showTip(tipCell);
  }

  function dayCell(target) { return target.closest && target.closest('.day'); }

  // Roving focus across the day cells: one tab stop per bar, arrows move between days.
  function barKeys(e) {
    var cell = dayCell(e.target);
    if (!cell) return;
    var cells = cell.parentNode.children, i = Array.prototype.indexOf.call(cells, cell);
    var n = { ArrowLeft: i - 1, ArrowRight: i + 1, Home: 0, End: cells.length - 1 }[e.key];
    if (e.key === 'Escape') { hideTip(); return; }
    if (n == null) return;
    e.preventDefault();
    n = Math.max(0, Math.min(cells.length - 1, n));
    cell.tabIndex = -1;
    cells[n].tabIndex = 0;
    cells[n].focus();
  }

  // One shared tooltip for the day cells, on hover and on focus.
  var tip = null, tipCell = null;
  function showTip(cell) {
    var info = cell._tip;
    if (!info) return;
    if (!tip) {
      tip = el('div', 'tooltip', null, document.getElementById('main') || document.body);
      tip.id = 'day-tooltip';
      tip.setAttribute('role', 'tooltip');
      tip.hidden = true;
    }
    tipCell = cell;
    tip.textContent = '';
    el('strong', 'tip-date', fmt.day(info.key), tip);
    var a = info.a;
    if (info.pct == null) {
      el('span', 'tip-line', 'No data', tip);
    } else {
      var word = WORD[info.level];
      el('span', 'tip-uptime tip-' + info.level, fmt.percent(info.pct) + ' uptime · ' + word.charAt(0).toUpperCase() + word.slice(1), tip);
      var parts = [a.h + ' healthy'];
      if (a.d) parts.push(a.d + ' degraded');
      if (a.dn) parts.push(a.dn + ' down');
      if (a.u) parts.push(a.u + ' unknown');
      el('span', 'tip-line', parts.join(' · ') + ' (' + plural(a.n, 'check') + ')', tip);
      el('span', 'tip-line', info.inc ? plural(info.inc, 'incident') : 'No incidents', tip);
      if (a.f) el('span', 'tip-line', plural(a.f, 'flaky check') + ' (passed on a retry)', tip);
      if (a.w) el('span', 'tip-line tip-muted', 'Median ' + fmt.duration(a.medW / a.w) + ' · p95 ' + fmt.duration(a.p95W / a.w), tip);
    }
    tip.hidden = false;
    cell.setAttribute('aria-describedby', 'day-tooltip');
    var r = cell.getBoundingClientRect(), tw = tip.offsetWidth, th = tip.offsetHeight;
    var vw = document.documentElement.clientWidth;
    var left = Math.max(8, Math.min(vw - tw - 8, r.left + r.width / 2 - tw / 2));
    var top = r.top - th - 8;
    if (top < 8) top = r.bottom + 8;
    tip.style.left = Math.round(left + window.scrollX) + 'px';
    tip.style.top = Math.round(top + window.scrollY) + 'px';
  }
  function hideTip() {
    if (tipCell) tipCell.removeAttribute('aria-describedby');
    tipCell = null;
    if (tip) tip.hidden = true;
  }

  // Shows the tooltip for the day cells inside `container`, and hides it on Escape and scrolling.
  function attach(container) {
    container.addEventListener('pointerover', function (e) { var c = dayCell(e.target); if (c) showTip(c); });
    container.addEventListener('pointerout', function (e) {
      var c = dayCell(e.target);
      if (c && c === tipCell && document.activeElement !== c) hideTip();
    });
    container.addEventListener('focusin', function (e) { if (e.target.classList.contains('day')) showTip(e.target); });
    container.addEventListener('focusout', function (e) { if (e.target === tipCell) hideTip(); });
    document.addEventListener('keydown', function (e) { if (e.key === 'Escape') hideTip(); });
    window.addEventListener('scroll', function () { if (tipCell && document.activeElement !== tipCell) hideTip(); }, { passive: true });
  }

  checkup.bar = { daysShown: daysShown, onDaysChange: onDaysChange, make: make, render: render, attach: attach };
})(window.checkup = window.checkup || {});
