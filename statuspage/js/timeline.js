// The timeline of state changes and messages, newest first, paged by "Show more"; and the
// allow-list that rebuilds a message's HTML as new DOM nodes.
'use strict';
(function (checkup) {
  var u = checkup.util, fmt = checkup.fmt, settings = checkup.settings, state = checkup.state;
  var $ = u.$, el = u.el, setText = u.setText;

  // ---- messages ----

  // Messages may use a little HTML (the original inserted them raw: XSS). They are parsed into the
  // inert content of a <template> (nothing there runs or loads), and only an allow-list is rebuilt
  // as new DOM nodes: a (http/https href only, opened safely), b, strong, i, em, code, br, p, ul,
  // ol, li. Any other element is shown as its literal markup, with its content rendered inside.
  var ALLOWED = { A: 1, B: 1, STRONG: 1, I: 1, EM: 1, CODE: 1, BR: 1, P: 1, UL: 1, OL: 1, LI: 1 };

  function renderMessage(html, target) {
    var inert = document.createElement('template');
    inert.innerHTML = html;
    copyAllowed(inert.content, target);
  }

  function copyAllowed(from, to) {
    for (var n = from.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3) { to.appendChild(document.createTextNode(n.nodeValue)); continue; }
      if (n.nodeType !== 1) continue;   // comments and the like are dropped
      var tag = n.tagName.toUpperCase();
      if (ALLOWED[tag]) {
        var copy = document.createElement(tag.toLowerCase());
        if (tag === 'A') {
          var href = u.safeHref(n.getAttribute('href'));
          if (href) {
            copy.href = href;
            copy.rel = 'noopener noreferrer';
            copy.target = '_blank';
          }
        }
        copyAllowed(n, copy);
        to.appendChild(copy);
      } else {
        var shown = n.outerHTML, inner = n.innerHTML;
        var open = inner && shown.lastIndexOf(inner) > 0 ? shown.slice(0, shown.lastIndexOf(inner)) : shown;
        to.appendChild(document.createTextNode(open));
        if (inner) {
          copyAllowed(n, to);
          to.appendChild(document.createTextNode('</' + n.tagName.toLowerCase() + '>'));
        }
      }
    }
  }

  // ---- the timeline ----

  var items = new Map();          // id -> li

  function timelineEvents(model) {
    var out = [];
    if (!model) return out;
    model.endpoints.forEach(function (ep) {
      ep.events.forEach(function (ev, i) {
        if (i === 0 && ev.state === 'healthy') return;   // first seen, and fine: not news
        out.push({ kind: 'change', t: ev.t, ep: ep, state: ev.state, from: i ? ep.events[i - 1].state : null, reason: ev.reason,
          id: 'c|' + ep.key + '|' + ev.t + '|' + ev.state });
      });
    });
    model.messages.forEach(function (m) {
      out.push({ kind: 'message', t: m.t, title: m.title, endpoint: m.endpoint, text: m.text,
        id: 'm|' + u.epKey(m.endpoint, m.title) + '|' + m.t + '|' + m.text.length + '|' + m.text.slice(0, 64) });
    });
    out.sort(function (a, b) { return b.t - a.t || (a.kind === 'message' ? -1 : 1); });
    return out;
  }

  var VERB = { healthy: 'is operational', degraded: 'is degraded', down: 'is down', unknown: 'is in an unknown state' };
  var BADGE = { healthy: 'Resolved', degraded: 'Degraded', down: 'Outage', unknown: 'Unknown' };

  function makeItem(ev) {
    var li;
    if (ev.kind === 'message') {
      li = el('li', 'event message');
      li.dataset.endpoint = ev.endpoint;
    } else {
      li = el('li', 'event state-change state-' + ev.state);
      li.dataset.endpoint = ev.ep.endpoint;
      li.dataset.state = ev.state;
    }
    var head = el('div', 'event-head', null, li);
    el('span', 'badge', ev.kind === 'message' ? 'Update' : ev.state === 'healthy' && !ev.from ? 'Operational' : BADGE[ev.state], head);
    var when = el('span', 'event-when', null, head);
    var t = el('time', 'event-time', fmt.clock(ev.t), when);
    t.dateTime = new Date(ev.t).toISOString();
    t.title = fmt.full(ev.t);
    when.appendChild(document.createTextNode(' · '));
    u.agoEl(ev.t, when);
    var p = el('p', 'event-text', null, li);
    if (ev.kind === 'message') {
      el('strong', 'event-title', ev.title || ev.endpoint, p);
      renderMessage(ev.text, el('div', 'message-text', null, li));
    } else {
      el('strong', 'event-title', ev.ep.title, p);
      var verb = ev.state === 'healthy' && ev.from ? 'recovered' : VERB[ev.state];
      p.appendChild(document.createTextNode(' ' + verb + (ev.from && ev.state !== 'healthy' ? ' (was ' + ev.from + ')' : '')));
      if (ev.reason && ev.state !== 'healthy') el('p', 'event-reason', ev.reason, li);
    }
    return li;
  }

  function renderTimeline() {
    var model = state.model, files = !!model && model.mode === 'checkfiles';
    var tl = $('timeline'), all = timelineEvents(model), shown = all.slice(0, state.timelineLimit), keep = new Set();
    shown.forEach(function (ev, i) {
      keep.add(ev.id);
      u.place(tl, items, ev.id, i, function () { return makeItem(ev); });
    });
    u.prune(items, keep);
    var empty = $('timeline-empty');
    empty.hidden = !model || all.length > 0;
    setText(empty, files ? 'No incidents or messages in the last ' + settings.timeframeText + '.' : 'No incidents or messages.');
    var more = $('timeline-more');
    more.hidden = all.length <= shown.length;
    setText(more, 'Show more (' + (all.length - shown.length) + ' older)');
    setText($('timeline-scope'), files ? 'last ' + settings.timeframeText : 'last 90 days');
  }

  // "Show more": one more page of older items.
  function showMore() {
    state.timelineLimit += settings.timelinePage;
    renderTimeline();
  }

  checkup.timeline = { render: renderTimeline, more: showMore, renderMessage: renderMessage };
})(window.checkup = window.checkup || {});
