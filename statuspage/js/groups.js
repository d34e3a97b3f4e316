// Groups of endpoints: api/v2/components.json (the Statuspage API file the nodes rewrite when a
// component's state changes) read on every refresh. Each group is listed with the worst state
// of its members, as the file gives it, and the members' names, and each endpoint's card names
// its group. Names are the operator's: set as text only.
'use strict';
(function (checkup) {
  var u = checkup.util, state = checkup.state;
  var $ = u.$, el = u.el, str = u.str, arr = u.arr;
  var NAME = 'api/v2/components.json';
  var WORDS = { operational: 'Operational', under_maintenance: 'Under maintenance', degraded_performance: 'Degraded performance',
                partial_outage: 'Partial outage', major_outage: 'Major outage' };

  function parse(doc) {
    var all = arr(doc && doc.components).filter(function (c) { return c && typeof c === 'object' && str(c.id); });
    var names = {};
    all.forEach(function (c) { names[str(c.id)] = str(c.name); });
    return all.filter(function (c) { return c.group === true; }).map(function (g) {
      var status = Object.prototype.hasOwnProperty.call(WORDS, str(g.status)) ? str(g.status) : 'operational';
      return { id: str(g.id), name: str(g.name), status: status,
               members: arr(g.components).map(function (id) { return names[str(id)]; }).filter(Boolean) };
    });
  }

  // `copy`: the page index's copy of the file's list (store.js), which spares the request.
  function load(copy) {
    if (copy) { state.groups = parse({ components: copy }); return Promise.resolve(); }
    return checkup.store.getJSON(NAME, null, true).then(function (doc) {
      state.groups = parse(doc);
    }, function (err) {
      if (window.console) console.warn('checkup: could not load ' + (err && err.message));
    });
  }

  function render() {
    var list = state.groups || [];
    var box = $('groups-list');
    box.replaceChildren.apply(box, list.map(function (g) {
      var a = el('article', 'group group-' + g.status.replace(/_/g, '-'));
      a.dataset.group = g.id;
      var head = el('div', 'incident-head', null, a);
      u.name(a, el('h3', 'incident-name group-name', g.name, head), 'group-' + g.id);
      el('span', 'incident-status group-status', WORDS[g.status], head);
      el('p', 'incident-meta group-members', g.members.join(', '), a);
      return a;
    }));
    $('groups-section').hidden = !list.length;
    // Each endpoint's card names its group (render.js made the cards).
    var groupOf = {};
    list.forEach(function (g) { g.members.forEach(function (m) { if (!groupOf[m]) groupOf[m] = g.name; }); });
    document.querySelectorAll('#endpoints .endpoint').forEach(function (card) {
      var name = groupOf[card.dataset.title], tag = card.querySelector('.group-tag');
      if (!name) { if (tag) tag.remove(); return; }
      if (!tag) tag = el('span', 'group-tag', null, card.querySelector('.endpoint-id'));
      u.setText(tag, 'Group: ' + name);
    });
  }

  checkup.groups = { load: load, render: render, parse: parse };
})(window.checkup = window.checkup || {});
