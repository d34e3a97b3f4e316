// What still moves: [element, 'animation' | 'transition', what and how long, how many such
// elements] for the elements of the page, and their ::before and ::after, whose computed animation
// or transition lasts longer than 0 s. Evaluated by browser.py --eval (--reduced-motion: none).
(function () {
  function lasts(list) { return list.split(',').some(function (d) { return parseFloat(d) > 0; }); }
  function name(e) { return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : ''); }
  var seen = {}, out = [];
  function add(what) {
    var key = what.join('\n');
    if (seen[key]) seen[key][3]++; else out.push(seen[key] = what.concat(1));
  }
  document.querySelectorAll('*').forEach(function (e) {
    [null, '::before', '::after'].forEach(function (pseudo) {
      var s = getComputedStyle(e, pseudo);
      if (s.animationName !== 'none' && lasts(s.animationDuration)) add([name(e) + (pseudo || ''), 'animation', s.animationName + ' ' + s.animationDuration]);
      if (s.transitionProperty !== 'none' && lasts(s.transitionDuration)) add([name(e) + (pseudo || ''), 'transition', s.transitionProperty + ' ' + s.transitionDuration]);
    });
  });
  return out;
})()
