// Small helpers the page's files share: time units and state names, reading untrusted values
// from JSON, building DOM nodes (text only, never markup), safe links and "x ago" times.
'use strict';
(function (checkup) {
  var fmt = checkup.fmt;
  var MIN = 60e3, HOUR = 60 * MIN, DAY = 24 * HOUR;
  // maintenance: set by maintenance.js for an endpoint in a window that is on, never read from data.
  var STATES = ['healthy', 'degraded', 'down', 'unknown', 'maintenance'];
  var RANK = { healthy: 0, maintenance: 0.5, unknown: 1, degraded: 2, down: 3 };

  // ---- values ----

  function str(v) { return typeof v === 'string' ? v : v == null ? '' : String(v); }
  function isNum(v) { return typeof v === 'number' && isFinite(v); }
  function pos(v) { return isNum(v) && v > 0 ? v : null; }
  function arr(v) { return Array.isArray(v) ? v : []; }
  // Only the four names (or their codes 0–3): a crafted "constructor" or "length" is unknown.
  function stateName(n) {
    if (typeof n === 'string') return Object.prototype.hasOwnProperty.call(RANK, n) && n !== 'maintenance' ? n : 'unknown';
    return Number.isInteger(n) && n >= 0 && n < 4 ? STATES[n] : 'unknown';
  }
  function dayKey(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function byTime(a, b) { return a.t - b.t; }
  // An endpoint is its address and title: results, cards and messages are matched on both.
  function epKey(endpoint, title) { return endpoint + '\n' + title; }

  function quantile(sorted, q) {
    if (!sorted.length) return 0;
    return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  }

  var numberFmt = new Intl.NumberFormat();   // one formatter: toLocaleString() builds one per call
  function plural(n, word) { return numberFmt.format(n) + ' ' + word + (n === 1 ? '' : 's'); }

  // ---- DOM ----

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text, parent) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  // Names `box` (an article) by its heading `h`, which gets the id `id`: a screen reader's list
  // of articles then says which incident, window or group each is.
  function name(box, h, id) {
    h.id = id;
    box.setAttribute('aria-labelledby', id);
  }

  function setText(node, text) { if (node.textContent !== text) node.textContent = text; }
  function setAttr(node, name, value) { if (node.getAttribute(name) !== value) node.setAttribute(name, value); }
  function setClass(node, prefix, value, all) {
    all.forEach(function (v) { node.classList.toggle(prefix + v, v === value); });
  }

  function safeHref(value) {
    try {
      var u = new URL(value, window.location.href);
      return (u.protocol === 'http:' || u.protocol === 'https:') ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function absoluteHref(value) {
    return /^https?:\/\//i.test(value) ? safeHref(value) : null;
  }

  // Keeps `parent`'s children one element per key, in the order rendered: the element for `key`
  // (made by `make` the first time, then kept in `cache`, key -> element) goes to position i.
  function place(parent, cache, key, i, make) {
    var node = cache.get(key);
    if (!node) cache.set(key, node = make());
    if (parent.children[i] !== node) parent.insertBefore(node, parent.children[i] || null);
    return node;
  }

  // Removes the elements whose key is not in `keep` from the page and from `cache`.
  function prune(cache, keep, onRemove) {
    cache.forEach(function (node, key) {
      if (keep.has(key)) return;
      if (onRemove) onRemove(node);
      node.remove();
      cache.delete(key);
    });
  }

  // A <time> whose text is "x ago" ("x min ago" when `short`), kept fresh by the entry point's tick.
  function agoEl(ms, parent, short) {
    var t = el('time', 'ago', null, parent);
    if (short) t.dataset.short = '1';
    setAgo(t, ms);
    return t;
  }

  function setAgo(t, ms) {
    var v = String(Math.round(ms));
    if (t.dataset.ago === v) return;
    t.dataset.ago = v;
    t.dateTime = new Date(ms).toISOString();
    t.title = fmt.full(ms);
    t.textContent = fmt.ago(ms, 0, t.dataset.short === '1');
  }

  // Keeps one "x ago" <time> in `parent`, after `prefix` (the parent's text when it is created).
  function keepAgo(parent, prefix, ms, short) {
    var t = parent.querySelector('time.ago');
    if (!t) {
      parent.textContent = prefix;
      t = agoEl(ms, parent, short);
    }
    setAgo(t, ms);
  }

  checkup.util = {
    MIN: MIN, HOUR: HOUR, DAY: DAY, STATES: STATES, RANK: RANK,
    str: str, isNum: isNum, pos: pos, arr: arr, stateName: stateName, dayKey: dayKey, byTime: byTime, epKey: epKey,
    quantile: quantile, plural: plural,
    $: $, el: el, setText: setText, name: name, setAttr: setAttr, setClass: setClass, safeHref: safeHref, absoluteHref: absoluteHref,
    place: place, prune: prune,
    agoEl: agoEl, setAgo: setAgo, keepAgo: keepAgo
  };
})(window.checkup = window.checkup || {});
