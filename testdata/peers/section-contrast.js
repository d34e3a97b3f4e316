// WCAG 2 contrast (1.4.3 AA) of every text in the page's status sections: the open incidents
// with their updates, the maintenance windows, the groups, the incident history, the cards of
// endpoints under maintenance, the group tags and the feed links. Each element with a text node
// of its own gives {where, text, ratio, need}: its colour (with the opacity of it and of its
// ancestors) over the backgrounds under it, composited up from the root; need is 3 for large
// text (24 px, or 18.66 px bold), else 4.5. A background image or gradient under a text makes
// it `unknown` (not judged here). Evaluated in the page by browser.py --eval.
(function () {
  var ROOTS = ['#incidents-open-section', '#maintenance-section', '#groups-section', '.history-section',
    '.endpoint.state-maintenance', '.endpoint .group-tag', '#subscribe'];
  function rgb(s) {
    var m = String(s).match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    var p = m[1].split(/[,\s/]+/).filter(Boolean).map(parseFloat);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  }
  function over(top, under) {
    var a = top.a + under.a * (1 - top.a);
    if (!a) return { r: 0, g: 0, b: 0, a: 0 };
    function mix(k) { return (top[k] * top.a + under[k] * under.a * (1 - top.a)) / a; }
    return { r: mix('r'), g: mix('g'), b: mix('b'), a: a };
  }
  function lum(c) {
    return [c.r, c.g, c.b].map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
      .reduce(function (s, v, i) { return s + v * [0.2126, 0.7152, 0.0722][i]; }, 0);
  }
  // The backgrounds from the root down to e, composited over opaque white; null over an image.
  function background(e) {
    var chain = [];
    for (var a = e; a; a = a.parentElement) chain.unshift(a);
    var c = { r: 255, g: 255, b: 255, a: 1 };
    for (var i = 0; i < chain.length; i++) {
      var s = getComputedStyle(chain[i]);
      if (s.backgroundImage && s.backgroundImage !== 'none') return null;
      var b = rgb(s.backgroundColor);
      if (b && b.a > 0) c = over(b, c);
    }
    return c;
  }
  function opacity(e) {
    var o = 1;
    for (var a = e; a; a = a.parentElement) o *= parseFloat(getComputedStyle(a).opacity);
    return o;
  }
  function where(e) {
    var parts = [];
    for (var a = e; a && a !== document.body && parts.length < 4; a = a.parentElement) {
      parts.unshift(a.tagName.toLowerCase() + (a.id ? '#' + a.id : '') +
        (typeof a.className === 'string' && a.className ? '.' + a.className.trim().split(/\s+/).join('.') : ''));
    }
    return parts.join(' > ');
  }
  var seen = new Set(), out = [];
  ROOTS.forEach(function (sel) {
    document.querySelectorAll(sel).forEach(function (root) {
      [root].concat(Array.prototype.slice.call(root.querySelectorAll('*'))).forEach(function (e) {
        if (seen.has(e)) return;
        seen.add(e);
        var own = Array.prototype.some.call(e.childNodes, function (n) { return n.nodeType === 3 && n.nodeValue.trim(); });
        if (!own || !e.getClientRects().length || getComputedStyle(e).visibility !== 'visible') return;
        var s = getComputedStyle(e), bg = background(e), size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight, 10) >= 700;
        var need = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
        var text = e.textContent.replace(/\s+/g, ' ').trim().slice(0, 60);
        if (!bg) { out.push({ where: where(e), text: text, ratio: 'unknown', need: need }); return; }
        var f = rgb(s.color);
        f.a *= opacity(e);
        var l1 = lum(over(f, bg)), l2 = lum(bg);
        var ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
        out.push({ where: where(e), text: text, ratio: Math.floor(ratio * 100) / 100, need: need });
      });
    });
  });
  return out;
})()
