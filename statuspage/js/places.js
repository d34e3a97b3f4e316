// The places an endpoint is checked from, shown under its verdict when the nodes write verdicts
// (ep.places, verdicts.js): one chip per origin with its display name, its own newest state in
// words (and colour), RTT and age, or "stale" (grey) when it has not reported lately.
//   <ul class="places"><li class="origin-chip place-<state>" data-origin data-state> … </li></ul>
'use strict';
(function (checkup) {
  var u = checkup.util, fmt = checkup.fmt;
  var el = u.el, setText = u.setText, setAttr = u.setAttr, setClass = u.setClass;
  var STATES = u.STATES.concat('stale', 'abstain');
  var WORD = { healthy: 'Healthy', degraded: 'Degraded', down: 'Down', unknown: 'Unknown', stale: 'Stale', abstain: 'Not voting' };

  function makeChip() {
    var li = el('li', 'origin-chip');
    // Spaces between the parts, for the text read out and copied (a flex row does not show them);
    // the figures wrap as one.
    el('span', 'chip-name', null, li);
    li.appendChild(document.createTextNode(' '));
    el('span', 'chip-state', null, li);
    li.appendChild(document.createTextNode(' '));
    var figures = el('span', 'chip-figures', null, li);
    el('span', 'chip-rtt', null, figures);
    figures.appendChild(document.createTextNode(' '));
    el('span', 'chip-age', null, figures);
    return li;
  }

  function renderChip(li, p) {
    if (li.dataset.origin !== p.origin) li.dataset.origin = p.origin;
    if (li.dataset.state !== p.state) li.dataset.state = p.state;
    setClass(li, 'place-', p.state, STATES);
    setText(li.querySelector('.chip-name'), p.name);
    setText(li.querySelector('.chip-state'), WORD[p.state]);
    var rtt = li.querySelector('.chip-rtt');
    setText(rtt, p.rtt ? fmt.duration(p.rtt) : '');
    rtt.hidden = !p.rtt;
    u.keepAgo(li.querySelector('.chip-age'), '', p.t, true);
    setAttr(li, 'title', p.name + (p.name !== p.origin ? ' (' + p.origin + ')' : '') + ': ' + WORD[p.state].toLowerCase() +
      (p.reason ? ', ' + p.reason : '') + ', checked ' + fmt.full(p.t));
  }

  // Keeps the card's list of places (right after its head) in step with ep.places; none without.
  function render(card, ep) {
    var list = card.querySelector('.places');
    if (!ep.places || !ep.places.length) {
      if (list) list.remove();
      return;
    }
    if (!list) {
      list = el('ul', 'places');
      list.setAttribute('aria-label', 'Checked from');
      card.querySelector('.endpoint-head').after(list);
      list._chips = new Map();
    }
    var keep = new Set();
    ep.places.forEach(function (p, i) {
      keep.add(p.origin);
      renderChip(u.place(list, list._chips, p.origin, i, makeChip), p);
    });
    u.prune(list._chips, keep);
  }

  checkup.places = { render: render };
})(window.checkup = window.checkup || {});
