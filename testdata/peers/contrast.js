// WCAG 2 contrast ratios of the status page's text: [selector, ratio] for every visible element
// with text, against its nearest opaque background. Evaluated in the page by browser.py --eval.
(function () {
  function rgb(s) { var m = s.match(/rgba?\(([^)]+)\)/); if (!m) return null; var p = m[1].split(',').map(parseFloat); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; }
  function lum(c) { return [c.r, c.g, c.b].map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }).reduce(function (s, v, i) { return s + v * [0.2126, 0.7152, 0.0722][i]; }, 0); }
  function bg(e) { for (; e; e = e.parentElement) { var c = rgb(getComputedStyle(e).backgroundColor); if (c && c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; }
  var out = [];
  ['#overall-text', '#overall-detail', '#infobar', '.endpoint .name', '.endpoint .url', '.endpoint .checked', '.endpoint .state',
   '.uptime dt', '.uptime dd', '.bar-start', '.bar-uptime', '.event .badge', '.event-when', '.event-text', '.event-reason', '.message-text', '.rtt-summary', '.chart-readout', '.page-footer']
    .forEach(function (sel) {
      document.querySelectorAll(sel).forEach(function (e) {
        if (!e.textContent.trim() || !(e.offsetWidth || e.offsetHeight)) return;
        var f = rgb(getComputedStyle(e).color), b = bg(e), l1 = lum(f), l2 = lum(b);
        var ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
        out.push([sel, Math.round(ratio * 100) / 100]);
      });
    });
  return out;
})()
