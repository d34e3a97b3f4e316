// Reflow (WCAG 1.4.10): the document's scroll and client widths, and every visible element that
// sticks out of the viewport sideways, [element, left, right]. Evaluated by browser.py --eval.
(function () {
  function name(e) { return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : ''); }
  var vw = document.documentElement.clientWidth, out = [];
  document.querySelectorAll('body *').forEach(function (e) {
    if (e.closest('.visually-hidden') || !e.getClientRects().length) return;
    var r = e.getBoundingClientRect();
    if (r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5)) out.push([name(e), Math.round(r.left), Math.round(r.right)]);
  });
  return { scroll_width: document.documentElement.scrollWidth, client_width: vw, outside: out };
})()
