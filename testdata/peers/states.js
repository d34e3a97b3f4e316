// A state is never told by colour alone (WCAG 1.4.1). Evaluated in the page by browser.py --eval:
// - cells: per uptime-bar level, how many day cells have it and their shapes (the cell's computed
//   look with every colour taken out), and `unnamed`: cells whose accessible name (aria-label)
//   lacks their date or their state's word;
// - key: the shape of each swatch of the colour key, to be the same as its cells';
// - wordless: elements whose colour tells a state (banner, state pills, timeline badges, place
//   chips) but that have no words.
(function () {
  var WORD = { up: 'operational', degraded: 'degraded', minor: 'outage', partial: 'outage', major: 'outage', none: 'no data' };
  function shape(e) {
    var s = getComputedStyle(e), noColour = function (v) { return v.replace(/(rgba?|hsla?|color)\([^)]*\)|#[0-9a-f]{3,8}\b/gi, 'C'); };
    return [noColour(s.backgroundImage), s.backgroundSize, s.backgroundPosition, s.backgroundRepeat, noColour(s.boxShadow),
      s.borderStyle, s.borderRadius].join(' | ');
  }
  function level(e) { return Object.keys(WORD).filter(function (l) { return e.classList.contains(l); })[0] || '?'; }
  var cells = {}, unnamed = [], key = {}, wordless = [];
  document.querySelectorAll('.uptime-bar .day').forEach(function (c) {
    var l = level(c), label = (c.getAttribute('aria-label') || '').toLowerCase(), day = Number((c.dataset.day || '').slice(8));
    var entry = cells[l] || (cells[l] = { count: 0, shapes: [] });
    entry.count++;
    var s = shape(c);
    if (entry.shapes.indexOf(s) < 0) entry.shapes.push(s);
    if (!day || !new RegExp('\\b' + day + '\\b').test(label) || label.indexOf(WORD[l]) < 0) unnamed.push([l, c.dataset.day, label]);
  });
  document.querySelectorAll('.key .key-swatch').forEach(function (k) { key[level(k)] = shape(k); });
  ['#overall-text', '.endpoint .pill', '#timeline .event .badge', '.origin-chip .chip-state'].forEach(function (sel) {
    document.querySelectorAll(sel).forEach(function (e) { if (!e.textContent.trim()) wordless.push(sel); });
  });
  return { cells: cells, unnamed: unnamed, key: key, wordless: wordless };
})()
