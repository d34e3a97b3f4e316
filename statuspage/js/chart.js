// Formatting helpers and a small SVG response-time chart for the status page.
// Everything is built with DOM APIs; data only ever reaches the page as text.
'use strict';
(function (checkup) {
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var MIN = 60e3, HOUR = 60 * MIN, DAY = 24 * HOUR;

  var timeFmt = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
  var hourFmt = new Intl.DateTimeFormat(undefined, { hour: 'numeric' });
  var dateFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
  var fullFmt = new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit', timeZoneName: 'short'
  });
  var dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
  var shortDayFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

  function trimNum(n) {
    // 1 decimal below 10, none above: 1.5 ms, 81 ms, 250 ms.
    return n < 10 ? String(Math.round(n * 10) / 10) : String(Math.round(n));
  }

  // Durations in nanoseconds, e.g. "81 ms", "1.2 s", "850 µs".
  function duration(ns) {
    if (typeof ns !== 'number' || !isFinite(ns)) return '–';
    var a = Math.abs(ns);
    if (a === 0) return '0';
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

  var SHORT = { second: 's', minute: 'min', hour: 'h', day: 'd' };
  function unitsAgo(n, unit, short) {
    return n + (short ? '\u00a0' + SHORT[unit] : ' ' + unit + (n === 1 ? '' : 's')) + ' ago';
  }

  // "x ago" for a time in milliseconds: "2 minutes ago", or `short`, "2 min ago".
  function ago(ms, nowMs, short) {
    var s = Math.max(0, Math.round(((nowMs || Date.now()) - ms) / 1000));
    if (s < 5) return 'just now';
    if (s < 60) return unitsAgo(s, 'second', short);
    var m = Math.floor(s / 60);
    if (m < 60) return unitsAgo(m, 'minute', short);
    var h = Math.floor(m / 60);
    if (h < 48) return unitsAgo(h, 'hour', short);
    return unitsAgo(Math.floor(h / 24), 'day', short);
  }

  function sameDay(a, b) {
    return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  }

  // Local clock time, with the date in front when it is not today.
  function clock(ms) {
    var d = new Date(ms);
    return sameDay(d, new Date()) ? timeFmt.format(d) : dateFmt.format(d) + ', ' + timeFmt.format(d);
  }

  // Uptime percentage: 2 decimals, never rounded up to 100; "100%" only when exact.
  function percent(p) {
    if (p == null || !isFinite(p)) return '—';
    if (p >= 100) return '100%';
    return (Math.floor(p * 100) / 100).toFixed(2) + '%';
  }

  // "YYYY-MM-DD" (a UTC day) as a readable date.
  var dayCache = {};   // a page shows the same 90 days for every endpoint
  function day(key, short) {
    var k = (short ? 's' : 'l') + key;
    if (dayCache[k] === undefined) {
      var d = new Date(key + 'T00:00:00Z');
      dayCache[k] = isNaN(d) ? key : (short ? shortDayFmt : dayFmt).format(d);
    }
    return dayCache[k];
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
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
  }

  function median(a) {
    if (!a.length) return null;
    var s = a.slice().sort(function (x, y) { return x - y; }), m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  var PHASES = [
    { key: 'lookup', label: 'DNS' },
    { key: 'connect', label: 'Connect' },
    { key: 'tls', label: 'TLS' },
    { key: 'first_byte', label: 'First byte' }
  ];
  var BINS = 288;
  var RANK = { healthy: 0, unknown: 1, degraded: 2, down: 3 };

  // Points bucketed into BINS equal bins between t0 and t1: each bin's median time, worst state,
  // median RTT over the results that were not down, and median phases.
  function bin(points, t0, t1) {
    var w = (t1 - t0) / BINS, bins = [];
    points.forEach(function (p) {
      var k = Math.min(BINS - 1, Math.floor((p.t - t0) / w));
      (bins[k] || (bins[k] = [])).push(p);
    });
    var out = [];
    bins.forEach(function (b) {
      if (b.length === 1) { out.push(b[0]); return; }
      var ups = b.filter(function (p) { return p.state !== 'down' && p.v > 0; });
      // Down only when every result in the bin is (the down marks come from every result).
      var state = ups.length ? ups.reduce(function (s, p) { return RANK[p.state] > RANK[s] ? p.state : s; }, 'healthy') : 'down';
      var phases = null;
      if (ups.some(function (p) { return p.phases; })) {
        phases = [0, 1, 2, 3].map(function (i) {
          return median(ups.filter(function (p) { return p.phases && p.phases[i] > 0; }).map(function (p) { return p.phases[i]; }));
        });
      }
      out.push({
        t: median(b.map(function (p) { return p.t; })),
        state: state,
        v: ups.length ? median(ups.map(function (p) { return p.v; })) : null,
        phases: phases
      });
    });
    return out;
  }

  var TIME_STEPS = [15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 4 * HOUR, 6 * HOUR, 12 * HOUR, DAY];

  // Draws the median RTT of the last `span` ms as a line over an area, the phases (when measured)
  // as stacked areas, the threshold as a dashed line and down results as red ticks.
  // points: [{t: ms, state, v: ns or null, phases: [lookup, connect, tls, first_byte] (ns or null) or null}]
  // opts: {width, height, threshold (ns), now (ms), span (ms), readout (element for the hover text)}
  // Returns {svg, label, phases (bool)}.
  function chart(points, opts) {
    var W = Math.max(240, Math.floor(opts.width || 300)), H = opts.height || 170;
    var L = 52, R = 8, T = 10, B = 24, pw = W - L - R, ph = H - T - B;
    var threshold = opts.threshold > 0 ? opts.threshold : 0;
    var t1 = opts.now || Date.now(), t0 = t1 - (opts.span || DAY);
    var raw = points.filter(function (p) { return p.t >= t0 && p.t <= t1; });
    // Several nodes' results interleave and a day of 1-minute checks is 1,440 points: draw each
    // bin's median instead (at most BINS bins), so the line is one line and the SVG stays small.
    var pts = bin(raw, t0, t1);
    var up = pts.filter(function (p) { return p.state !== 'down' && p.v > 0; });
    var hasPhases = up.some(function (p) { return p.phases && p.phases.some(function (v) { return v > 0; }); });
    var vals = up.map(function (p) { return p.v; });
    var med = median(vals);

    var maxV = Math.max.apply(null, vals.concat([threshold, 1e6]));
    up.forEach(function (p) {
      if (p.phases) maxV = Math.max(maxV, p.phases.reduce(function (s, v) { return s + (v > 0 ? v : 0); }, 0));
    });
    var ystep = niceStep(maxV * 1.08 / 4), ymax = Math.ceil(maxV * 1.08 / ystep) * ystep;
    function x(t) { return L + (t - t0) / (t1 - t0) * pw; }
    function y(v) { return T + ph - Math.min(v, ymax) / ymax * ph; }

    var label = 'Median response time over 24 hours: ' + (med != null ? duration(med) : 'no data');
    if (vals.length) label += ' (' + duration(Math.min.apply(null, vals)) + ' to ' + duration(Math.max.apply(null, vals)) + ')';
    if (threshold) label += '; threshold ' + duration(threshold);
    var downs = raw.filter(function (p) { return p.state === 'down'; });
    if (downs.length) label += '; ' + downs.length + ' failed check' + (downs.length === 1 ? '' : 's');

    var root = svg('svg', {
      width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img', class: 'rtt-chart',
      'aria-label': label, focusable: 'true', tabindex: '0'
    });

    var axes = svg('g', { class: 'axes', 'aria-hidden': 'true' }, root);
    for (var v = 0; v <= ymax + ystep / 2; v += ystep) {
      var yy = y(v).toFixed(1);
      svg('line', { x1: L, x2: W - R, y1: yy, y2: yy, class: v ? 'grid' : 'axis' }, axes);
      svg('text', { x: L - 6, y: yy, class: 'ylabel', 'text-anchor': 'end', dy: '0.32em' }, axes)
        .textContent = duration(v);
    }
    // X ticks on whole local hours.
    var maxTicks = Math.max(2, Math.floor(pw / 64)), step = TIME_STEPS[TIME_STEPS.length - 1];
    for (var i = 0; i < TIME_STEPS.length; i++) {
      if ((t1 - t0) / TIME_STEPS[i] <= maxTicks) { step = TIME_STEPS[i]; break; }
    }
    var off = -new Date(t0).getTimezoneOffset() * MIN;
    for (var t = Math.ceil((t0 + off) / step) * step - off; t <= t1; t += step) {
      var xx = x(t);
      if (xx < L + 14 || xx > W - R - 14) continue;
      svg('line', { x1: xx.toFixed(1), x2: xx.toFixed(1), y1: T + ph, y2: T + ph + 4, class: 'tick' }, axes);
      svg('text', { x: xx.toFixed(1), y: H - 6, class: 'xlabel', 'text-anchor': 'middle' }, axes)
        .textContent = step >= HOUR ? hourFmt.format(new Date(t)) : timeFmt.format(new Date(t));
    }

    // Segments: the line breaks at down results and at gaps much longer than the usual interval.
    var diffs = [];
    for (var k = 1; k < pts.length; k++) diffs.push(pts[k].t - pts[k - 1].t);
    var gap = Math.max(3 * (median(diffs) || 0), 3 * (t1 - t0) / BINS, 5 * MIN);
    var segments = [], seg = null, prevT = null;
    pts.forEach(function (p) {
      var ok = p.state !== 'down' && p.v > 0;
      if (!ok || (prevT != null && p.t - prevT > gap)) seg = null;
      if (ok) {
        if (!seg) segments.push(seg = []);
        seg.push(p);
      }
      prevT = p.t;
    });

    var plot = svg('g', { class: 'plot', 'aria-hidden': 'true' }, root);
    if (hasPhases) {
      PHASES.forEach(function (phase, pi) {
        segments.forEach(function (s) {
          var top = [], bottom = [];
          s.forEach(function (p) {
            var below = 0, here = 0;
            if (p.phases) {
              for (var j = 0; j < pi; j++) below += p.phases[j] > 0 ? p.phases[j] : 0;
              here = p.phases[pi] > 0 ? p.phases[pi] : 0;
            }
            top.push(x(p.t).toFixed(1) + ' ' + y(below + here).toFixed(1));
            bottom.unshift(x(p.t).toFixed(1) + ' ' + y(below).toFixed(1));
          });
          if (s.length === 1) return;
          svg('path', { d: 'M' + top.join(' L') + ' L' + bottom.join(' L') + ' Z', class: 'phase phase-' + pi }, plot);
        });
      });
    } else {
      segments.forEach(function (s) {
        if (s.length < 2) return;
        var d = 'M' + x(s[0].t).toFixed(1) + ' ' + y(0).toFixed(1) + s.map(function (p) {
          return ' L' + x(p.t).toFixed(1) + ' ' + y(p.v).toFixed(1);
        }).join('') + ' L' + x(s[s.length - 1].t).toFixed(1) + ' ' + y(0).toFixed(1) + ' Z';
        svg('path', { d: d, class: 'area' }, plot);
      });
    }
    segments.forEach(function (s) {
      if (s.length === 1) {
        svg('circle', { cx: x(s[0].t).toFixed(1), cy: y(s[0].v).toFixed(1), r: 2, class: 'dot' }, plot);
        return;
      }
      svg('path', {
        d: s.map(function (p, j) { return (j ? 'L' : 'M') + x(p.t).toFixed(1) + ' ' + y(p.v).toFixed(1); }).join(' '),
        class: 'line'
      }, plot);
    });
    pts.forEach(function (p) {
      if (p.state === 'degraded' && p.v > 0) svg('circle', { cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: 2.5, class: 'degraded-dot' }, plot);
    });
    downs.forEach(function (p) {
      var dx = x(p.t).toFixed(1);
      svg('line', { x1: dx, x2: dx, y1: T, y2: T + ph, class: 'down-band' }, plot);
      svg('line', { x1: dx, x2: dx, y1: T + ph - 7, y2: T + ph, class: 'down-mark' }, plot);
    });
    if (threshold) {
      var ty = y(threshold).toFixed(1);
      svg('line', { x1: L, x2: W - R, y1: ty, y2: ty, class: 'threshold' }, plot);
      svg('text', { x: W - R - 2, y: ty - 4, class: 'threshold-label', 'text-anchor': 'end' }, plot)
        .textContent = 'threshold ' + duration(threshold);
    }
    if (!pts.length) {
      svg('text', { x: L + pw / 2, y: T + ph / 2, class: 'empty-label', 'text-anchor': 'middle' }, plot)
        .textContent = 'No results in the last 24 hours';
    }

    // Hover and keyboard readout.
    var guide = svg('g', { class: 'guide', 'aria-hidden': 'true', visibility: 'hidden' }, root);
    var gline = svg('line', { y1: T, y2: T + ph, class: 'guide-line' }, guide);
    var gdot = svg('circle', { r: 3.5, class: 'guide-dot' }, guide);
    var readout = opts.readout, idx = -1, idle = readout ? readout.textContent : '';

    function describe(p) {
      var s = clock(p.t) + ' — ';
      if (p.state === 'down') s += 'down';
      else s += (p.v > 0 ? duration(p.v) : 'no time') + (p.state !== 'healthy' ? ' (' + p.state + ')' : '');
      if (p.phases && p.state !== 'down') {
        var parts = [];
        PHASES.forEach(function (ph, j) { if (p.phases[j] > 0) parts.push(ph.label + ' ' + duration(p.phases[j])); });
        if (parts.length) s += ' · ' + parts.join(', ');
      }
      return s;
    }
    function show(i) {
      if (!pts.length) return;
      idx = Math.max(0, Math.min(pts.length - 1, i));
      var p = pts[idx], px = x(p.t).toFixed(1);
      gline.setAttribute('x1', px);
      gline.setAttribute('x2', px);
      gdot.setAttribute('cx', px);
      gdot.setAttribute('cy', (p.state !== 'down' && p.v > 0 ? y(p.v) : T + ph).toFixed(1));
      gdot.setAttribute('class', 'guide-dot state-' + p.state);
      guide.setAttribute('visibility', 'visible');
      if (readout) readout.textContent = describe(p);
    }
    function hide() {
      idx = -1;
      guide.setAttribute('visibility', 'hidden');
      if (readout) readout.textContent = idle;
    }
    function nearest(t) {
      var best = -1, bd = Infinity;
      for (var j = 0; j < pts.length; j++) {
        var d = Math.abs(pts[j].t - t);
        if (d < bd) { bd = d; best = j; }
      }
      return best;
    }
    root.addEventListener('pointermove', function (e) {
      var r = root.getBoundingClientRect();
      if (!r.width) return;
      var sx = (e.clientX - r.left) * W / r.width;
      show(nearest(t0 + (sx - L) / pw * (t1 - t0)));
    });
    root.addEventListener('pointerleave', function () { if (document.activeElement !== root) hide(); });
    root.addEventListener('focus', function () { show(idx >= 0 ? idx : pts.length - 1); });
    root.addEventListener('blur', hide);
    root.addEventListener('keydown', function (e) {
      var n = { ArrowLeft: idx - 1, ArrowRight: idx + 1, Home: 0, End: pts.length - 1, PageUp: idx - 10, PageDown: idx + 10 }[e.key];
      if (n == null) { if (e.key === 'Escape') hide(); return; }
      e.preventDefault();
      show(n);
    });

    return { svg: root, label: label, phases: hasPhases, median: med };
  }

  checkup.fmt = {
    duration: duration, span: span, ago: ago, clock: clock, percent: percent, day: day,
    full: function (ms) { return fullFmt.format(new Date(ms)); }
  };
  checkup.chart = chart;
  checkup.chart.PHASES = PHASES;
  checkup.chart.median = median;
})(window.checkup = window.checkup || {});
