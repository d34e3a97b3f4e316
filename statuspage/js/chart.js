// Formatting helpers and a small SVG response-time chart for the status page.
// Everything is built with DOM APIs; data only ever reaches the page as text.
'use strict';
(function (checkup) {
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var MIN = 60e3, HOUR = 60 * MIN, DAY = 24 * HOUR;

  var timeFmt = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
  var dateFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
  var fullFmt = new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit'
  });

  function trimNum(n) {
    // 1 decimal below 10, none above: 1.5 ms, 81 ms, 250 ms.
    return n < 10 ? String(Math.round(n * 10) / 10) : String(Math.round(n));
  }

  // Durations in nanoseconds, e.g. "81 ms", "1.2 s", "850 µs".
  function duration(ns) {
    if (typeof ns !== 'number' || !isFinite(ns)) return '–';
    var a = Math.abs(ns);
    if (a < 1e3) return Math.round(ns) + ' ns';
    if (a < 1e6) return trimNum(ns / 1e3) + ' µs';
    if (a < 1e9) return trimNum(ns / 1e6) + ' ms';
    if (a < 60e9) return trimNum(ns / 1e9) + ' s';
    return trimNum(ns / 60e9) + ' min';
  }

  // Long spans (the configured timeframe), e.g. "1 day", "12 hours", "1.5 days".
  function span(ns) {
    var units = [['day', 864e11], ['hour', 36e11], ['minute', 6e10], ['second', 1e9]];
    for (var i = 0; i < units.length; i++) {
      var n = ns / units[i][1];
      if (n >= 1) {
        var v = Math.round(n * 10) / 10;
        return v + ' ' + units[i][0] + (v === 1 ? '' : 's');
      }
    }
    return duration(ns);
  }

  function plural(n, unit) { return n + ' ' + unit + (n === 1 ? '' : 's') + ' ago'; }

  // "x ago" for a time in milliseconds.
  function ago(ms, nowMs) {
    var s = Math.max(0, Math.round(((nowMs || Date.now()) - ms) / 1000));
    if (s < 5) return 'just now';
    if (s < 60) return plural(s, 'second');
    var m = Math.floor(s / 60);
    if (m < 60) return plural(m, 'minute');
    var h = Math.floor(m / 60);
    if (h < 48) return plural(h, 'hour');
    return plural(Math.floor(h / 24), 'day');
  }

  function sameDay(a, b) {
    return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  }

  // Local clock time, with the date in front when it is not today.
  function clock(ms) {
    var d = new Date(ms);
    return sameDay(d, new Date()) ? timeFmt.format(d) : dateFmt.format(d) + ', ' + timeFmt.format(d);
  }

  function svg(name, attrs, parent) {
    var el = document.createElementNS(SVG_NS, name);
    for (var k in attrs) el.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(el);
    return el;
  }

  function niceStep(raw) {
    var p = Math.pow(10, Math.floor(Math.log10(raw)));
    var f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  }

  var TIME_STEPS = [MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY];

  // Draws median RTT over time. points: [{t: ms, v: ns, state, label}], ascending by t.
  // opts: {width, height, threshold (ns), title}
  function chart(points, opts) {
    var W = Math.max(200, Math.floor(opts.width || 300)), H = opts.height || 150;
    var L = 54, R = 10, T = 10, B = 24, pw = W - L - R, ph = H - T - B;
    var threshold = opts.threshold > 0 ? opts.threshold : 0;
    var root = svg('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img', class: 'rtt-chart' });

    var vals = points.map(function (p) { return p.v; });
    var maxV = Math.max.apply(null, vals.concat([threshold, 1e6]));
    var minV = vals.length ? Math.min.apply(null, vals) : 0;
    var latest = points.length ? points[points.length - 1] : null;
    var label = 'Response time chart for ' + opts.title + ': ' + points.length + ' result' + (points.length === 1 ? '' : 's');
    if (latest) label += ', latest median ' + duration(latest.v) + ', range ' + duration(minV) + ' to ' + duration(Math.max.apply(null, vals));
    if (threshold) label += ', threshold ' + duration(threshold);
    root.setAttribute('aria-label', label);
    svg('title', {}, root).textContent = label;

    var ystep = niceStep(maxV * 1.1 / 3), ymax = Math.ceil(maxV * 1.1 / ystep) * ystep;
    var t1 = Math.max(opts.now || Date.now(), latest ? latest.t : 0);
    var t0 = points.length ? Math.min(points[0].t, t1 - 10 * MIN) : t1 - HOUR;
    function x(t) { return L + (t - t0) / (t1 - t0) * pw; }
    function y(v) { return T + ph - v / ymax * ph; }

    var axes = svg('g', { class: 'axes', 'aria-hidden': 'true' }, root);
    for (var v = 0; v <= ymax + ystep / 2; v += ystep) {
      var yy = y(v).toFixed(1);
      svg('line', { x1: L, x2: W - R, y1: yy, y2: yy, class: 'grid' }, axes);
      svg('text', { x: L - 6, y: yy, class: 'ylabel', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, axes)
        .textContent = duration(v);
    }

    // X ticks aligned to local time.
    var maxTicks = Math.max(2, Math.floor(pw / 65)), step = TIME_STEPS[TIME_STEPS.length - 1];
    for (var i = 0; i < TIME_STEPS.length; i++) {
      if ((t1 - t0) / TIME_STEPS[i] <= maxTicks) { step = TIME_STEPS[i]; break; }
    }
    var off = -new Date(t0).getTimezoneOffset() * MIN;
    for (var t = Math.ceil((t0 + off) / step) * step - off; t <= t1; t += step) {
      var xx = x(t).toFixed(1);
      svg('line', { x1: xx, x2: xx, y1: T + ph, y2: T + ph + 4, class: 'tick' }, axes);
      svg('text', { x: xx, y: H - 6, class: 'xlabel', 'text-anchor': 'middle' }, axes)
        .textContent = step >= DAY ? dateFmt.format(new Date(t)) : timeFmt.format(new Date(t));
    }
    svg('line', { x1: L, x2: W - R, y1: T + ph, y2: T + ph, class: 'axis' }, axes);

    if (threshold) {
      var ty = y(threshold).toFixed(1);
      svg('line', { x1: L, x2: W - R, y1: ty, y2: ty, class: 'threshold' }, root);
      svg('text', { x: L + 4, y: ty - 4, class: 'threshold-label', 'aria-hidden': 'true' }, root)
        .textContent = 'threshold ' + duration(threshold);
    }

    if (points.length) {
      var d = points.map(function (p, i) {
        return (i ? 'L' : 'M') + x(p.t).toFixed(1) + ' ' + y(p.v).toFixed(1);
      }).join(' ');
      svg('path', { d: d, class: 'line' }, root);
      var dots = svg('g', { class: 'points' }, root);
      var r = points.length > 200 ? 1.5 : 2.5;
      points.forEach(function (p) {
        var c = svg('circle', { cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: p.state === 'healthy' ? r : r + 1, class: 'pt state-' + p.state }, dots);
        svg('title', {}, c).textContent = p.label;
      });
    }
    return root;
  }

  checkup.fmt = { duration: duration, span: span, ago: ago, clock: clock, full: function (ms) { return fullFmt.format(new Date(ms)); } };
  checkup.chart = chart;
})(window.checkup = window.checkup || {});
