// The page's outline: every heading a visitor (or a screen reader's heading list) meets, in
// document order, as {level, text, section} (section: the id of the nearest element with an id
// around it). Hidden ones are left out. Evaluated by browser.py --eval.
(function () {
  return Array.prototype.filter.call(document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]'), function (h) {
    return h.getClientRects().length > 0 && !h.closest('[hidden], [aria-hidden="true"]');
  }).map(function (h) {
    var level = h.getAttribute('aria-level') ? parseInt(h.getAttribute('aria-level'), 10) : parseInt(h.tagName.slice(1), 10);
    var around = h.parentElement && h.parentElement.closest('[id]');
    return { level: level, text: h.textContent.replace(/\s+/g, ' ').trim().slice(0, 60), section: around ? around.id : '' };
  });
})()
