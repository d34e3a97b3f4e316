// Loads checkup results and renders the status page.
//
// Summaries mode (preferred): summaries/index.json lists the nodes, and each node's
// summaries/<origin>.json holds its recent results, daily rollups, state changes and messages:
// a handful of requests whatever the history length. When a store has no summaries, the page
// falls back to the check files themselves (fs: index.json; S3: a bucket listing) and builds the
// same in-memory model from them, so one renderer serves both modes.
'use strict';
(function (checkup) {
  var cfg = checkup.config || {};
  var fmt = checkup.fmt;
  var median = checkup.chart.median;
  var MIN = 60e3, HOUR = 60 * MIN, DAY = 24 * HOUR;
  var TIMEFRAME_NS = Number(cfg.timeframe) > 0 ? Number(cfg.timeframe) : 864e11;   // check-file mode only
  var TIMEFRAME_MS = TIMEFRAME_NS / 1e6;
  var REFRESH = Math.max(5, Number(cfg.refresh_interval) || 60);                   // s
  var STORE = storageOf(cfg.storage || {});
  var NAME_RE = /^\d+-check\.json$/;
  var PARALLEL = 6;
  var STATES = ['healthy', 'degraded', 'down', 'unknown'];
  var RANK = { healthy: 0, unknown: 1, degraded: 2, down: 3 };
  var TEXT = { healthy: 'System Nominal', degraded: 'Sub-Optimal', down: 'Outage', unknown: 'Status Unknown' };
  var HUMAN = { healthy: 'Operational', degraded: 'Degraded performance', down: 'Outage', unknown: 'No recent data' };
  var STATUS_CLASSES = ['healthy', 'degraded', 'down', 'unknown', 'loading'].map(function (s) { return 'status-' + s; });
  var WINDOWS = [['24h', '24 hours', DAY], ['7d', '7 days', 7 * DAY], ['30d', '30 days', 30 * DAY], ['90d', '90 days', 90 * DAY]];
  // Timeline items shown at first and per "Show more": fewer on a phone, where the timeline sits
  // below every endpoint.
  var TIMELINE_PAGE = window.matchMedia('(min-width: 760px)').matches ? 50 : 15;
  var EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

  var stats = window.checkupStats = { loads: 0, mode: null, requests: 0 };
  var model = null;               // {mode, endpoints: [ep], messages: [...], info}
  var busy = false, loaded = false, rendered = false, lastError = null;
  var timelineLimit = TIMELINE_PAGE;

  // Check-file mode state: names fetched or being fetched are never fetched twice.
  var requested = new Set();
  var files = new Map();          // name -> stored time (ns)
  var results = new Map();        // key -> {title, endpoint, list: [result]}
  var failedFiles = new Set(), signList = false;

  // ---- configuration ----

  function storageOf(s) {
    var type = String(s.type || '').toLowerCase(), url = s.url;
    if (!type && (s.BucketName || s.AccessKeyID)) type = 's3';
    if (type === 's3' && (url == null || url === '') && s.BucketName) {
      var region = s.Region ? String(s.Region) : '';
      url = (region && region !== 'us-east-1' ? 'https://s3.' + region + '.amazonaws.com/' : 'https://s3.amazonaws.com/') +
        encodeURIComponent(String(s.BucketName)) + '/';
    }
    var creds = s.AccessKeyID && s.SecretAccessKey ?
      { id: String(s.AccessKeyID), secret: String(s.SecretAccessKey), region: String(s.Region || 'us-east-1') } : null;
    return { type: type === 's3' ? 's3' : 'fs', base: normBase(url), creds: creds };
  }

  function normBase(url) {
    return (url == null ? '' : String(url).trim()).replace(/\/+$/, '') + '/';
  }

  // ---- small helpers ----

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text, parent) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function setText(node, text) { if (node.textContent !== text) node.textContent = text; }
  function setAttr(node, name, value) { if (node.getAttribute(name) !== value) node.setAttribute(name, value); }
  function setClass(node, prefix, value, all) {
    all.forEach(function (v) { node.classList.toggle(prefix + v, v === value); });
  }

  function str(v) { return typeof v === 'string' ? v : v == null ? '' : String(v); }
  function isNum(v) { return typeof v === 'number' && isFinite(v); }
  function pos(v) { return isNum(v) && v > 0 ? v : null; }
  function arr(v) { return Array.isArray(v) ? v : []; }
  function stateName(n) { return typeof n === 'string' && RANK[n] != null ? n : STATES[n] || 'unknown'; }
  function dayKey(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function statusText(state) {
    var t = cfg.status_text && cfg.status_text[state];
    return typeof t === 'string' && t ? t : TEXT[state];
  }
  var numberFmt = new Intl.NumberFormat();   // one formatter: toLocaleString() builds one per call
  function plural(n, word) { return numberFmt.format(n) + ' ' + word + (n === 1 ? '' : 's'); }

  function quantile(sorted, q) {
    if (!sorted.length) return 0;
    return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  }

  function safeHref(value) {
    try {
      var u = new URL(value, window.location.href);
      return (u.protocol === 'http:' || u.protocol === 'https:') ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function absoluteHref(value) {
    return /^https?:\/\//i.test(value) ? safeHref(value) : null;
  }

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
          var href = safeHref(n.getAttribute('href'));
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

  // A <time> whose text is "x ago", kept fresh by tickAgo().
  function agoEl(ms, parent) {
    var t = el('time', 'ago', fmt.ago(ms), parent);
    setAgo(t, ms);
    return t;
  }

  function setAgo(t, ms) {
    var v = String(Math.round(ms));
    if (t.dataset.ago === v) return;
    t.dataset.ago = v;
    t.dateTime = new Date(ms).toISOString();
    t.title = fmt.full(ms);
    t.textContent = fmt.ago(ms);
  }

  // ---- requests ----

  function request(url, opts) {
    stats.requests++;
    return fetch(url, opts);
  }

  function HttpError(what, status, text) {
    var e = new Error(what + ' (HTTP ' + status + (text ? ' ' + text : '') + ')');
    e.status = status;
    return e;
  }

  // GETs JSON; `missingOK` turns 404 and 403 (S3's answer for a missing key) into null.
  function getJSON(name, opts, missingOK) {
    return request(STORE.base + name, opts || { cache: 'no-cache' }).then(function (res) {
      if (missingOK && (res.status === 404 || res.status === 403)) return null;
      if (!res.ok) throw HttpError(name, res.status, res.statusText);
      return res.json().catch(function () { throw new Error(name + ' (not valid JSON)'); });
    }, function (err) {
      throw new Error(name + ' (' + (err && err.message || 'network error') + ')');
    });
  }

  // Runs fn over items with at most `limit` promises in flight.
  function mapLimit(items, limit, fn) {
    var i = 0;
    function worker() {
      if (i >= items.length) return Promise.resolve();
      var item = items[i++];
      return Promise.resolve().then(function () { return fn(item); }).then(worker, worker);
    }
    var workers = [];
    for (var n = 0; n < Math.min(limit, items.length); n++) workers.push(worker());
    return Promise.all(workers);
  }

  function load() {
    return getJSON('summaries/index.json', null, true).then(function (manifest) {
      if (manifest != null && (typeof manifest !== 'object' || Array.isArray(manifest))) {
        throw new Error('summaries/index.json (not a JSON object)');
      }
      if (manifest && manifest.version != null && manifest.version !== 1) {
        throw new Error('summaries/index.json (format version ' + manifest.version + '; this page reads version 1)');
      }
      var origins = arr(manifest && manifest.origins).filter(function (o) { return typeof o === 'string' && o; });
      origins = Array.from(new Set(origins));
      return origins.length ? loadSummaries(origins) : loadCheckFiles();
    });
  }

  function loadSummaries(origins) {
    var failed = [];
    return Promise.all(origins.map(function (o) {
      var name = 'summaries/' + encodeURIComponent(o) + '.json';
      return getJSON(name, null, true).then(function (s) {
        if (!s) { failed.push(name + ' (missing)'); return null; }
        if (typeof s !== 'object' || !Array.isArray(s.endpoints) || (s.version != null && s.version !== 1)) {
          failed.push(name + ' (not a version 1 summary)');
          return null;
        }
        return s;
      }, function (err) { failed.push(err.message); return null; });
    })).then(function (list) {
      var ok = list.filter(Boolean);
      if (!ok.length) throw new Error(failed.join('; '));
      stats.mode = 'summaries';
      return fromSummaries(ok, origins.length, failed);
    });
  }

  // ---- check-file fallback ----

  function loadCheckFiles() {
    var cutoff = cutoffNs();
    var listing = STORE.type === 's3' ? listS3(cutoff) : listFs(cutoff);
    return listing.then(function (entries) {
      var todo = entries.filter(function (e) { return !requested.has(e.name); });
      todo.forEach(function (e) { requested.add(e.name); });
      return mapLimit(todo, PARALLEL, function (e) {
        return getJSON(e.name, {}, false).then(function (data) { addFile(e.name, e.stored, data); failedFiles.delete(e.name); },
          function () {
            requested.delete(e.name);   // failed: one more try on the next refresh
            failedFiles.add(e.name);
          });
      });
    }).then(function () {
      stats.mode = 'checkfiles';
      return fromCheckFiles();
    });
  }

  // now − timeframe in ns as decimal digits (beyond 2^53, so BigInt when there is one).
  function cutoffNs() {
    if (typeof BigInt === 'function') {
      return (BigInt(Date.now()) * BigInt(1000000) - BigInt(Math.round(TIMEFRAME_NS))).toString();
    }
    return String(Math.round(Date.now() * 1e6 - TIMEFRAME_NS));
  }

  function listFs(cutoff) {
    var c = Number(cutoff);
    return getJSON('index.json', null, false).then(function (index) {
      if (!index || typeof index !== 'object' || Array.isArray(index)) throw new Error('index.json (not a JSON object)');
      return Object.keys(index).filter(function (n) {
        return NAME_RE.test(n) && isNum(index[n]) && index[n] >= c;
      }).map(function (n) { return { name: n, stored: index[n] }; });
    });
  }

  // Lists the bucket's check files newer than the cutoff (keys are "<ns>-check.json", so
  // start-after works lexically), following continuation tokens.
  function listS3(cutoff) {
    var out = [];
    function page(token) {
      var params = [['list-type', '2'], ['start-after', cutoff]];
      if (token) params.push(['continuation-token', token]);
      params.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
      var query = params.map(function (p) { return uriEncode(p[0]) + '=' + uriEncode(p[1]); }).join('&');
      var url = STORE.base + '?' + query;
      var headers = signList ? sigV4(url, query, STORE.creds) : Promise.resolve(null);
      return headers.then(function (h) {
        return request(url, h ? { cache: 'no-cache', headers: h } : { cache: 'no-cache' });
      }, function (err) { throw new Error('the bucket listing (signing failed: ' + err.message + ')'); }).then(function (res) {
        if (res.status === 403 && !signList && STORE.creds) {
          if (!(window.crypto && crypto.subtle)) {
            throw new Error('the bucket listing (it needs a signed request, and this browser can only sign in a secure https context)');
          }
          signList = true;
          return page(token);
        }
        if (!res.ok) throw HttpError('the bucket listing', res.status, res.statusText);
        return res.text().then(function (xml) {
          var doc = new DOMParser().parseFromString(xml, 'application/xml');
          if (doc.getElementsByTagName('parsererror').length) throw new Error('the bucket listing (not valid XML)');
          var keys = doc.getElementsByTagName('Key');
          for (var i = 0; i < keys.length; i++) {
            var k = keys[i].textContent;
            if (NAME_RE.test(k)) out.push({ name: k, stored: Number(k.slice(0, k.indexOf('-'))) });
          }
          var next = doc.getElementsByTagName('NextContinuationToken')[0];
          var truncated = doc.getElementsByTagName('IsTruncated')[0];
          if (next && next.textContent && (!truncated || truncated.textContent === 'true')) return page(next.textContent);
          return out;
        });
      }, function (err) {
        if (err instanceof TypeError) throw new Error('the bucket listing (' + err.message + ')');
        throw err;
      });
    }
    return page(null);
  }

  // RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~
  function uriEncode(s) {
    return encodeURIComponent(s).replace(/[!'()*]/g, function (c) { return '%' + c.charCodeAt(0).toString(16).toUpperCase(); });
  }

  // AWS Signature Version 4 for an unsigned-payload GET (headers host, x-amz-content-sha256,
  // x-amz-date), with crypto.subtle. Returns the headers to send.
  function sigV4(url, query, creds, amzDate) {
    var enc = new TextEncoder(), u = new URL(url, window.location.href);
    amzDate = amzDate || new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
    var date = amzDate.slice(0, 8), scope = date + '/' + creds.region + '/s3/aws4_request';
    function hex(buf) {
      return Array.prototype.map.call(new Uint8Array(buf), function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
    }
    function hmac(key, data) {
      return crypto.subtle.importKey('raw', typeof key === 'string' ? enc.encode(key) : key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
        .then(function (k) { return crypto.subtle.sign('HMAC', k, enc.encode(data)); });
    }
    var canonical = [
      'GET', u.pathname || '/', query,
      'host:' + u.host + '\nx-amz-content-sha256:' + EMPTY_SHA256 + '\nx-amz-date:' + amzDate + '\n',
      'host;x-amz-content-sha256;x-amz-date', EMPTY_SHA256
    ].join('\n');
    return crypto.subtle.digest('SHA-256', enc.encode(canonical)).then(function (h) {
      var toSign = ['AWS4-HMAC-SHA256', amzDate, scope, hex(h)].join('\n');
      return hmac('AWS4' + creds.secret, date)
        .then(function (k) { return hmac(k, creds.region); })
        .then(function (k) { return hmac(k, 's3'); })
        .then(function (k) { return hmac(k, 'aws4_request'); })
        .then(function (k) { return hmac(k, toSign); })
        .then(function (sig) {
          return {
            'Authorization': 'AWS4-HMAC-SHA256 Credential=' + creds.id + '/' + scope +
              ', SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=' + hex(sig),
            'x-amz-content-sha256': EMPTY_SHA256,
            'x-amz-date': amzDate
          };
        });
    });
  }
  checkup.sigV4 = sigV4;   // for tests: sigV4(url, query, creds, amzDate) -> Promise of headers

  function stateOf(r) {
    return r.down ? 'down' : r.degraded ? 'degraded' : r.healthy ? 'healthy' : 'unknown';
  }

  function addFile(name, stored, data) {
    if (!Array.isArray(data)) throw new Error(name + ' is not a JSON array');
    files.set(name, stored);
    data.forEach(function (r) {
      if (!r || typeof r !== 'object' || !isNum(r.timestamp)) return;
      var title = str(r.title || r.endpoint || 'Untitled'), endpoint = str(r.endpoint);
      var key = endpoint + '\n' + title;
      var times = arr(r.times).filter(function (t) { return t && typeof t === 'object'; });
      var state = stateOf(r);
      var rtts = times.map(function (t) { return Number(t.rtt); }).filter(function (v) { return isFinite(v) && v > 0; });
      var errs = times.map(function (t) { return t.error; }).filter(function (e) { return typeof e === 'string' && e; });
      var phases = ['lookup', 'connect', 'tls', 'first_byte'].map(function (k) {
        return median(times.map(function (t) { return Number(t[k]); }).filter(function (v) { return isFinite(v) && v > 0; }));
      });
      var message = typeof r.message === 'string' ? r.message.trim() : '';
      var ep = results.get(key);
      if (!ep) results.set(key, ep = { title: title, endpoint: endpoint, list: [] });
      ep.list.push({
        t: r.timestamp / 1e6,
        state: state,
        rtt: median(rtts),
        phases: phases.some(function (v) { return v != null; }) ? phases : null,
        threshold: pos(Number(r.threshold)) || 0,
        reason: errs[0] || message || '',
        message: message
      });
    });
  }

  // Builds the page model from the check files within the timeframe.
  function fromCheckFiles() {
    var cutoffMs = Date.now() - TIMEFRAME_MS, cut = cutoffMs * 1e6;
    files.forEach(function (stored, name) { if (stored < cut) files.delete(name); });
    var eps = [], messages = [];
    results.forEach(function (r, key) {
      r.list = r.list.filter(function (x) { return x.t >= cutoffMs; }).sort(function (a, b) { return a.t - b.t; });
      if (!r.list.length) { results.delete(key); return; }
      var ep = newEp(r.title, r.endpoint), prev = null;
      r.list.forEach(function (x) {
        ep.recent.push({ t: x.t, state: x.state, rtt: x.rtt, phases: x.phases });
        if (!prev || prev.state !== x.state) ep.events.push({ t: x.t, state: x.state, reason: x.reason });
        if (x.message) messages.push({ t: x.t, title: r.title, endpoint: r.endpoint, text: x.message });
        prev = x;
      });
      var last = r.list[r.list.length - 1];
      ep.last = { t: last.t, state: last.state, rtt: last.rtt };
      ep.threshold = last.threshold;
      ep.interval = typicalInterval(ep.recent);
      rollup(ep);
      eps.push(finishEp(ep));
    });
    return finishModel('checkfiles', eps, messages, {
      files: files.size, failed: failedFiles.size
    });
  }

  // Daily rollups computed from results (check-file mode).
  function rollup(ep) {
    var byDay = new Map();
    ep.recent.forEach(function (p) {
      var k = dayKey(p.t), d = byDay.get(k);
      if (!d) byDay.set(k, d = { n: 0, h: 0, d: 0, dn: 0, u: 0, rtts: [] });
      d.n++;
      if (p.state === 'healthy') d.h++;
      else if (p.state === 'degraded') d.d++;
      else if (p.state === 'down') d.dn++;
      else d.u++;
      if (p.state !== 'down' && p.rtt > 0) d.rtts.push(p.rtt);
    });
    byDay.forEach(function (d, k) {
      var s = d.rtts.sort(function (a, b) { return a - b; });
      var w = s.length;
      ep.days.set(k, {
        n: d.n, h: d.h, d: d.d, dn: d.dn, u: d.u,
        min: w ? s[0] : 0, max: w ? s[w - 1] : 0,
        medW: w ? median(s) * w : 0, p95W: w ? quantile(s, 0.95) * w : 0, w: w
      });
    });
  }

  // ---- the model ----

  function newEp(title, endpoint) {
    return {
      key: endpoint + '\n' + title, title: title, endpoint: endpoint, threshold: 0, last: null,
      recent: [], days: new Map(), events: [], interval: 0, state: 'unknown'
    };
  }

  function typicalInterval(points) {
    var d = [];
    for (var i = 1; i < points.length; i++) if (points[i].t > points[i - 1].t) d.push(points[i].t - points[i - 1].t);
    return median(d) || 0;
  }

  function fromSummaries(list, expected, failed) {
    var eps = new Map(), messages = [], updated = 0;
    list.forEach(function (s) {
      if (isNum(s.updated)) updated = Math.max(updated, s.updated);
      s.endpoints.forEach(function (e) {
        if (!e || typeof e !== 'object') return;
        var title = str(e.title || e.endpoint || 'Untitled'), endpoint = str(e.endpoint);
        var key = endpoint + '\n' + title, ep = eps.get(key);
        if (!ep) eps.set(key, ep = newEp(title, endpoint));
        var recent = arr(e.recent).filter(function (r) { return Array.isArray(r) && isNum(r[0]); }).map(function (r) {
          var phases = [pos(r[3]), pos(r[4]), pos(r[5]), pos(r[6])];
          return { t: r[0], state: stateName(r[1]), rtt: pos(r[2]), phases: phases.some(function (v) { return v != null; }) ? phases : null };
        });
        recent.sort(function (a, b) { return a.t - b.t; });
        ep.recent = ep.recent.concat(recent);
        ep.interval = Math.max(ep.interval, typicalInterval(recent));
        var last = Array.isArray(e.last) && isNum(e.last[0]) ? { t: e.last[0], state: stateName(e.last[1]), rtt: pos(e.last[2]) }
          : recent.length ? recent[recent.length - 1] : null;
        if (last && (!ep.last || last.t > ep.last.t)) {
          ep.last = { t: last.t, state: last.state, rtt: last.rtt };
          ep.threshold = pos(e.threshold) || 0;
        } else if (!ep.last && !ep.threshold) {
          ep.threshold = pos(e.threshold) || 0;
        }
        arr(e.days).forEach(function (r) {
          if (!Array.isArray(r) || typeof r[0] !== 'string') return;
          var a = ep.days.get(r[0]);
          if (!a) ep.days.set(r[0], a = { n: 0, h: 0, d: 0, dn: 0, u: 0, min: 0, max: 0, medW: 0, p95W: 0, w: 0 });
          var n = r[1] | 0, dn = r[4] | 0, min = pos(r[6]), max = pos(r[9]), w = Math.max(0, n - dn);
          a.n += n; a.h += r[2] | 0; a.d += r[3] | 0; a.dn += dn; a.u += r[5] | 0;
          if (min) a.min = a.min ? Math.min(a.min, min) : min;
          if (max) a.max = Math.max(a.max, max);
          if (w && pos(r[7])) { a.medW += r[7] * w; a.p95W += (pos(r[8]) || r[7]) * w; a.w += w; }
        });
        arr(e.events).forEach(function (v) {
          if (Array.isArray(v) && isNum(v[0])) ep.events.push({ t: v[0], state: stateName(v[1]), reason: str(v[2]) });
        });
      });
      arr(s.messages).forEach(function (m) {
        if (Array.isArray(m) && isNum(m[0]) && typeof m[3] === 'string' && m[3].trim()) {
          messages.push({ t: m[0], title: str(m[1]), endpoint: str(m[2]), text: m[3].trim() });
        }
      });
    });
    var list2 = [];
    eps.forEach(function (ep) {
      ep.recent.sort(function (a, b) { return a.t - b.t; });
      ep.events.sort(function (a, b) { return a.t - b.t; });
      // The same change seen by several nodes is one change.
      ep.events = ep.events.filter(function (ev, i, all) { return !i || all[i - 1].state !== ev.state; });
      list2.push(finishEp(ep));
    });
    return finishModel('summaries', list2, messages, { nodes: list.length, expected: expected, failed: failed, updated: updated });
  }

  function finishEp(ep) {
    var now = Date.now();
    var state = 'unknown';
    if (ep.last) {
      var age = now - ep.last.t;
      var limit = ep.interval > 0 ? Math.max(3 * ep.interval, 2 * MIN) : Infinity;
      state = age > 48 * HOUR || age > limit ? 'unknown' : ep.last.state;
    }
    ep.state = state;
    // No result for 48 hours: most likely a checker that was removed. It no longer sets the
    // banner (unless nothing is fresher), and after a week it leaves the page.
    ep.stale = !ep.last || now - ep.last.t > 48 * HOUR;
    ep.retired = !ep.last || now - ep.last.t > 7 * DAY;
    ep.incidents = new Map();
    ep.events.forEach(function (ev, i) {
      if ((ev.state === 'down' || ev.state === 'degraded') && (i === 0 || ep.events[i - 1].state !== ev.state)) {
        var k = dayKey(ev.t);
        ep.incidents.set(k, (ep.incidents.get(k) || 0) + 1);
      }
    });
    return ep;
  }

  function finishModel(mode, eps, messages, info) {
    eps = eps.filter(function (ep) { return !ep.retired; });
    eps.sort(function (a, b) { return a.title.localeCompare(b.title) || a.endpoint.localeCompare(b.endpoint); });
    messages.sort(function (a, b) { return a.t - b.t; });
    // A message repeated on consecutive results is one message.
    var seen = new Map();
    messages = messages.filter(function (m) {
      var k = m.endpoint + '\n' + m.title;
      if (seen.get(k) === m.text) return false;
      seen.set(k, m.text);
      return true;
    });
    return { mode: mode, endpoints: eps, messages: messages, info: info };
  }

  // Uptime in a window: {pct, n} or null when there is no data (or, with check files, the window
  // is longer than what was loaded).
  function uptime(ep, win, now) {
    var h = 0, d = 0, n = 0, u = 0;
    if (model.mode === 'checkfiles' && win > TIMEFRAME_MS * 1.001) return null;
    if (win <= DAY) {
      ep.recent.forEach(function (p) {
        if (p.t < now - win) return;
        n++;
        if (p.state === 'healthy') h++; else if (p.state === 'degraded') d++; else if (p.state === 'unknown') u++;
      });
    } else {
      var from = dayKey(now - (win / DAY - 1) * DAY);
      ep.days.forEach(function (a, k) {
        if (k < from) return;
        n += a.n; h += a.h; d += a.d; u += a.u;
      });
    }
    return n - u > 0 ? (h + d) / (n - u) * 100 : null;
  }

  function dayLevel(a) {
    if (!a || a.n - a.u <= 0) return 'none';
    if (a.dn > 0) {
      var f = a.dn / (a.n - a.u);
      return f >= 0.05 ? 'major' : f >= 0.005 ? 'partial' : 'minor';
    }
    return a.d > 0 ? 'degraded' : 'up';
  }

  // ---- rendering ----

  var cards = new Map();          // key -> card element
  var cardSeq = 0;
  var mqWide = window.matchMedia('(min-width: 760px)');
  var mqMid = window.matchMedia('(min-width: 480px)');
  var mqOpen = window.matchMedia('(min-width: 900px)');

  function daysShown() { return mqWide.matches ? 90 : mqMid.matches ? 60 : 30; }

  function renderOverall() {
    var box = $('overall'), detail = $('overall-detail');
    var state, msg = '';
    var eps = model ? model.endpoints : [];
    if (!model && lastError) state = 'unknown';
    else if (!model) state = 'loading';
    else {
      state = eps.length ? 'healthy' : 'unknown';
      var fresh = eps.filter(function (ep) { return !ep.stale; });
      (fresh.length ? fresh : eps).forEach(function (ep) { if (RANK[ep.state] > RANK[state]) state = ep.state; });
    }
    setClass(box, 'status-', state, ['healthy', 'degraded', 'down', 'unknown', 'loading']);
    setText($('overall-text'), state === 'loading' ? 'Loading' : statusText(state));
    if (lastError) {
      msg = 'Could not load ' + lastError + '.' + (model ? ' Showing the data loaded at ' + fmt.clock(model.at) + '.' : '') +
        ' Retrying every ' + REFRESH + ' s.';
    } else if (model && !eps.length) {
      msg = model.mode === 'checkfiles' ? 'No checks in the last ' + fmt.span(TIMEFRAME_NS) + '.' : 'No endpoints have been checked yet.';
    } else if (model) {
      var live = eps.filter(function (ep) { return !ep.stale; });
      var bad = live.filter(function (ep) { return ep.state !== 'healthy'; });
      if (!live.length) msg = 'No endpoint has been checked in the last 48 hours.';
      else if (!bad.length) msg = live.length === 1 ? 'The endpoint is operational.' : 'All ' + live.length + ' endpoints are operational.';
      else {
        msg = bad.slice(0, 4).map(function (ep) { return ep.title + ': ' + HUMAN[ep.state].toLowerCase(); }).join(' · ') +
          (bad.length > 4 ? ' · and ' + (bad.length - 4) + ' more' : '');
      }
    }
    setText(detail, msg);
    detail.classList.toggle('error', !!lastError);
    detail.hidden = !msg;
  }

  function renderInfobar() {
    var last = 0, what;
    if (model) model.endpoints.forEach(function (ep) { if (ep.last) last = Math.max(last, ep.last.t); });
    if (!model) what = lastError ? 'No data loaded' : 'Loading…';
    else if (model.mode === 'summaries') {
      var i = model.info;
      what = plural(model.endpoints.length, 'endpoint') + ' · summaries from ' + plural(i.nodes, 'node') +
        (i.failed.length ? ' (' + i.failed.length + ' of ' + i.expected + ' unavailable)' : '');
    } else {
      what = plural(model.endpoints.length, 'endpoint') + ' · ' + plural(model.info.files, 'check file') + ' from the last ' +
        fmt.span(TIMEFRAME_NS) + (model.info.failed ? ' (' + model.info.failed + ' could not be loaded)' : '');
    }
    setText($('check-count'), what);
    var lc = $('last-check'), t = lc.querySelector('time.ago');
    if (last) {
      if (!t) {
        lc.textContent = 'Last check: ';
        t = agoEl(last, lc);
      }
      setAgo(t, last);
    } else {
      setText(lc, 'Last check: ' + (model ? 'none' : lastError ? 'unknown' : '…'));
    }
  }

  function makeCard(ep) {
    var id = 'ep-' + (++cardSeq);
    var card = el('article', 'endpoint');
    card.dataset.endpoint = ep.endpoint;
    card.dataset.title = ep.title;
    card.setAttribute('aria-labelledby', id + '-name');

    var head = el('div', 'endpoint-head', null, card);
    var ident = el('div', 'endpoint-id', null, head);
    var h = el('h3', 'name', ep.title, ident);
    h.id = id + '-name';
    var href = absoluteHref(ep.endpoint);
    if (href) {
      var a = el('a', 'url', ep.endpoint, ident);
      a.href = href;
      a.rel = 'noopener noreferrer';
    } else if (ep.endpoint) {
      el('span', 'url', ep.endpoint, ident);
    }
    var side = el('div', 'endpoint-status', null, head);
    var pill = el('span', 'pill', null, side);
    el('span', 'dot', null, pill).setAttribute('aria-hidden', 'true');
    el('span', 'visually-hidden', 'Current state: ', pill);
    el('span', 'state', null, pill);
    el('span', 'checked', null, side);

    var dl = el('dl', 'uptime', null, card);
    dl.setAttribute('aria-label', 'Uptime');
    WINDOWS.forEach(function (w) {
      var d = el('div', 'uptime-window', null, dl);
      el('dt', null, w[1], d);
      el('dd', null, '—', d).dataset.window = w[0];
    });

    var bar = el('div', 'bar', null, card);
    var ol = el('ol', 'uptime-bar', null, bar);
    ol.id = id + '-bar';
    ol.addEventListener('keydown', barKeys);
    var legend = el('div', 'bar-legend', null, bar);
    legend.setAttribute('aria-hidden', 'true');
    el('span', 'bar-start', null, legend);
    el('span', 'bar-uptime', null, legend);
    el('span', 'bar-end', 'Today', legend);

    var det = el('details', 'rtt', null, card);
    if (mqOpen.matches) det.open = true;
    var sum = el('summary', null, null, det);
    el('span', 'rtt-title', 'Response time', sum);
    el('span', 'rtt-summary', null, sum);
    var box = el('div', 'chart', null, det);
    var readout = el('p', 'chart-readout', null, det);
    readout.setAttribute('aria-live', 'polite');
    el('ul', 'chart-legend', null, det).setAttribute('aria-hidden', 'true');
    det.addEventListener('toggle', function () { if (det.open) drawChart(card, true); });
    if (observer) observer.observe(box);
    card._box = box;
    return card;
  }

  function renderCard(card, ep, now) {
    card._ep = ep;
    setClass(card, 'state-', ep.state, STATES);
    setText(card.querySelector('.state'), ep.state);
    var pill = card.querySelector('.pill');
    setAttr(pill, 'title', HUMAN[ep.state]);
    var checked = card.querySelector('.checked');
    if (ep.last) {
      var t = checked.querySelector('time.ago');
      if (!t) { checked.textContent = ''; t = agoEl(ep.last.t, checked); }
      setAgo(t, ep.last.t);
      var rtt = checked.querySelector('.last-rtt') || el('span', 'last-rtt', null, checked);
      setText(rtt, ep.last.state !== 'down' && ep.last.rtt ? ' · ' + fmt.duration(ep.last.rtt) : '');
    } else {
      setText(checked, 'Never checked');
    }
    WINDOWS.forEach(function (w) {
      var dd = card.querySelector('.uptime [data-window="' + w[0] + '"]');
      var p = uptime(ep, w[2], now);
      setText(dd, fmt.percent(p));
      setClass(dd, 'lvl-', p == null ? 'none' : p >= 99.9 ? 'good' : p >= 99 ? 'fair' : 'poor', ['none', 'good', 'fair', 'poor']);
    });
    renderBar(card, ep, now);
  }

  function renderBar(card, ep, now) {
    var n = daysShown(), ol = card.querySelector('.uptime-bar');
    while (ol.children.length > n) ol.removeChild(ol.firstChild);
    while (ol.children.length < n) {
      var li = document.createElement('li');
      li.className = 'day';
      li.tabIndex = -1;
      ol.insertBefore(li, ol.firstChild);
    }
    var today = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
    var h = 0, d = 0, tot = 0, focusable = null;
    for (var i = 0; i < n; i++) {
      var cell = ol.children[i], key = dayKey(today - (n - 1 - i) * DAY), a = ep.days.get(key);
      var level = dayLevel(a);
      if (model.mode === 'checkfiles' && today - (n - 1 - i) * DAY + DAY < now - TIMEFRAME_MS) level = 'none';
      if (cell.dataset.day !== key) cell.dataset.day = key;
      var cls = 'day ' + level;
      if (cell.className !== cls) cell.className = cls;
      var inc = ep.incidents.get(key) || 0;
      var pct = a && a.n - a.u > 0 ? (a.h + a.d) / (a.n - a.u) * 100 : null;
      if (pct != null) { h += a.h; d += a.d; tot += a.n - a.u; }
      setAttr(cell, 'aria-label', fmt.day(key) + ': ' + (pct == null ? 'no data' : fmt.percent(pct) + ' uptime' +
        (inc ? ', ' + plural(inc, 'incident') : '')));
      cell._tip = { key: key, a: a, pct: pct, inc: inc };
      if (cell.tabIndex === 0) focusable = cell;
    }
    if (!focusable) ol.lastChild.tabIndex = 0;
    var total = tot ? (h + d) / tot * 100 : null;
    setAttr(ol, 'aria-label', n + '-day uptime ' + (total == null ? 'no data' : fmt.percent(total)) + '. Use the arrow keys for each day.');
    setText(card.querySelector('.bar-start'), n + ' days ago');
    setText(card.querySelector('.bar-uptime'), total == null ? 'No data' : fmt.percent(total) + ' uptime');
    if (tipCell && tipCell.parentNode === ol) showTip(tipCell);
  }

  // Roving focus across the day cells: one tab stop per bar, arrows move between days.
  function barKeys(e) {
    var cell = e.target.closest && e.target.closest('.day');
    if (!cell) return;
    var cells = cell.parentNode.children, i = Array.prototype.indexOf.call(cells, cell);
    var n = { ArrowLeft: i - 1, ArrowRight: i + 1, Home: 0, End: cells.length - 1 }[e.key];
    if (e.key === 'Escape') { hideTip(); return; }
    if (n == null) return;
    e.preventDefault();
    n = Math.max(0, Math.min(cells.length - 1, n));
    cell.tabIndex = -1;
    cells[n].tabIndex = 0;
    cells[n].focus();
  }

  // One shared tooltip for the day cells, on hover and on focus.
  var tip = null, tipCell = null;
  function showTip(cell) {
    var info = cell._tip;
    if (!info) return;
    if (!tip) {
      tip = el('div', 'tooltip', null, document.body);
      tip.id = 'day-tooltip';
      tip.setAttribute('role', 'tooltip');
      tip.hidden = true;
    }
    tipCell = cell;
    tip.textContent = '';
    el('strong', 'tip-date', fmt.day(info.key), tip);
    var a = info.a;
    if (info.pct == null) {
      el('span', 'tip-line', 'No data', tip);
    } else {
      el('span', 'tip-uptime tip-' + dayLevel(a), fmt.percent(info.pct) + ' uptime', tip);
      var parts = [a.h + ' healthy'];
      if (a.d) parts.push(a.d + ' degraded');
      if (a.dn) parts.push(a.dn + ' down');
      if (a.u) parts.push(a.u + ' unknown');
      el('span', 'tip-line', parts.join(' · ') + ' (' + plural(a.n, 'check') + ')', tip);
      el('span', 'tip-line', info.inc ? plural(info.inc, 'incident') : 'No incidents', tip);
      if (a.w) el('span', 'tip-line tip-muted', 'Median ' + fmt.duration(a.medW / a.w) + ' · p95 ' + fmt.duration(a.p95W / a.w), tip);
    }
    tip.hidden = false;
    cell.setAttribute('aria-describedby', 'day-tooltip');
    var r = cell.getBoundingClientRect(), tw = tip.offsetWidth, th = tip.offsetHeight;
    var vw = document.documentElement.clientWidth;
    var left = Math.max(8, Math.min(vw - tw - 8, r.left + r.width / 2 - tw / 2));
    var top = r.top - th - 8;
    if (top < 8) top = r.bottom + 8;
    tip.style.left = Math.round(left + window.scrollX) + 'px';
    tip.style.top = Math.round(top + window.scrollY) + 'px';
  }
  function hideTip() {
    if (tipCell) tipCell.removeAttribute('aria-describedby');
    tipCell = null;
    if (tip) tip.hidden = true;
  }

  // A closed <details> has no layout: a chart is drawn at the bar's width, and again when opened.
  function chartWidth(card) {
    return card._box.parentNode.open ? card._box.clientWidth : card.querySelector('.uptime-bar').clientWidth;
  }

  function drawChart(card, force, knownWidth) {
    var ep = card._ep, box = card._box, det = box.parentNode;
    if (!ep) return;
    var width = knownWidth || chartWidth(card);
    if (!width) return;
    var now = Date.now();
    var pts = ep.recent.filter(function (p) { return p.t >= now - DAY; });
    var sig = [width, ep.threshold, pts.length, pts.length ? pts[0].t + ':' + pts[pts.length - 1].t : '', daysShown()].join('|');
    if (!force && box.dataset.sig === sig) return;
    if (force && box.dataset.sig === sig && box.firstChild) return;
    box.dataset.sig = sig;
    var readout = det.querySelector('.chart-readout');
    var idle = 'Hover or focus the chart for details.';
    readout.textContent = idle;
    var c = checkup.chart(pts.map(function (p) { return { t: p.t, state: p.state, v: p.rtt, phases: p.phases }; }), {
      width: width, height: width < 420 ? 150 : 180, threshold: ep.threshold, now: now, span: DAY, readout: readout
    });
    if (box.firstChild) box.replaceChild(c.svg, box.firstChild); else box.appendChild(c.svg);
    setText(det.querySelector('.rtt-summary'), c.median != null ? fmt.duration(c.median) + ' median · 24 h' : 'No data in 24 h');
    var legend = det.querySelector('.chart-legend');
    legend.textContent = '';
    var items = [['median', 'Median']];
    if (c.phases) checkup.chart.PHASES.forEach(function (p, i) { items.push(['phase-' + i, p.label]); });
    if (ep.threshold) items.push(['threshold', 'Threshold']);
    if (pts.some(function (p) { return p.state === 'down'; })) items.push(['down', 'Down']);
    items.forEach(function (it) {
      var li = el('li', null, null, legend);
      el('span', 'swatch swatch-' + it[0], null, li);
      li.appendChild(document.createTextNode(it[1]));
    });
  }

  // Redraws a chart when its box changes width.
  var observer = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (e) {
      var card = e.target.closest('.endpoint');
      if (card && card._ep) requestAnimationFrame(function () { drawChart(card, false); });
    });
  }) : null;

  function renderEndpoints(now) {
    var list = $('endpoints'), keep = new Set(), eps = model ? model.endpoints : [];
    eps.forEach(function (ep, i) {
      keep.add(ep.key);
      var card = cards.get(ep.key);
      if (!card) cards.set(ep.key, card = makeCard(ep));
      if (list.children[i] !== card) list.insertBefore(card, list.children[i] || null);
      renderCard(card, ep, now);
    });
    // Every width first (one layout), then every chart: reading a width after each drawing would
    // lay the page out again for each endpoint.
    var widths = eps.map(function (ep) { return chartWidth(cards.get(ep.key)); });
    eps.forEach(function (ep, i) { drawChart(cards.get(ep.key), false, widths[i]); });
    cards.forEach(function (card, key) {
      if (!keep.has(key)) {
        if (observer) observer.unobserve(card._box);
        card.remove();
        cards.delete(key);
      }
    });
    var none = $('no-endpoints');
    none.hidden = eps.length > 0 || (!model && !lastError);
    setText(none, model ? (model.mode === 'checkfiles' ? 'No endpoints have been checked in the last ' + fmt.span(TIMEFRAME_NS) + '.'
      : 'No endpoints have been checked yet.') : 'No results could be loaded yet.');
  }

  // ---- timeline ----

  var items = new Map();          // id -> li

  function timelineEvents() {
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
        id: 'm|' + m.endpoint + '\n' + m.title + '|' + m.t + '|' + m.text.length + '|' + m.text.slice(0, 64) });
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
    agoEl(ev.t, when);
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
    var tl = $('timeline'), all = timelineEvents(), shown = all.slice(0, timelineLimit), keep = new Set();
    shown.forEach(function (ev, i) {
      keep.add(ev.id);
      var li = items.get(ev.id);
      if (!li) items.set(ev.id, li = makeItem(ev));
      if (tl.children[i] !== li) tl.insertBefore(li, tl.children[i] || null);
    });
    items.forEach(function (li, id) { if (!keep.has(id)) { li.remove(); items.delete(id); } });
    var empty = $('timeline-empty');
    empty.hidden = !model || all.length > 0;
    setText(empty, model && model.mode === 'checkfiles' ? 'No incidents or messages in the last ' + fmt.span(TIMEFRAME_NS) + '.'
      : 'No incidents or messages.');
    var more = $('timeline-more');
    more.hidden = all.length <= shown.length;
    setText(more, 'Show more (' + (all.length - shown.length) + ' older)');
    setText($('timeline-scope'), model && model.mode === 'checkfiles' ? 'last ' + fmt.span(TIMEFRAME_NS) : 'last 90 days');
  }

  function render() {
    var now = Date.now();
    renderOverall();
    renderInfobar();
    renderEndpoints(now);
    renderTimeline();
    document.body.classList.toggle('is-loaded', !!model);
  }

  function refresh() {
    if (busy) return Promise.resolve();
    busy = true;
    return load().then(function (m) {
      m.at = Date.now();
      model = m;
      lastError = null;
      loaded = true;
    }, function (err) {
      lastError = err && err.message ? err.message : String(err);
      if (window.console) console.warn('checkup: could not load ' + lastError);
    }).then(function () {
      busy = false;
      stats.loads++;
      try {
        render();
      } finally {
        if (!rendered && (loaded || lastError)) {
          rendered = true;
          if (window.performance && performance.mark) performance.mark('checkup-rendered');
          document.documentElement.dataset.rendered = '1';
        }
      }
    });
  }

  function tickAgo() {
    var now = Date.now();
    document.querySelectorAll('time.ago').forEach(function (t) {
      setText(t, fmt.ago(Number(t.dataset.ago), now));
    });
  }

  function start() {
    var title = typeof cfg.title === 'string' && cfg.title.trim() ? cfg.title.trim() : 'Status';
    setText($('page-title'), title);
    document.title = title;
    setText($('refresh-note'), 'Updates every ' + (REFRESH % 60 ? REFRESH + ' seconds' : REFRESH === 60 ? 'minute' : REFRESH / 60 + ' minutes'));
    $('timeline-more').addEventListener('click', function () {
      timelineLimit += TIMELINE_PAGE;
      renderTimeline();
    });
    var main = $('endpoints');
    main.addEventListener('pointerover', function (e) { var c = e.target.closest && e.target.closest('.day'); if (c) showTip(c); });
    main.addEventListener('pointerout', function (e) {
      var c = e.target.closest && e.target.closest('.day');
      if (c && c === tipCell && document.activeElement !== c) hideTip();
    });
    main.addEventListener('focusin', function (e) { if (e.target.classList.contains('day')) showTip(e.target); });
    main.addEventListener('focusout', function (e) { if (e.target === tipCell) hideTip(); });
    document.addEventListener('keydown', function (e) { if (e.key === 'Escape') hideTip(); });
    window.addEventListener('scroll', function () { if (tipCell && document.activeElement !== tipCell) hideTip(); }, { passive: true });
    var onMedia = function () { if (model) renderEndpoints(Date.now()); };
    [mqWide, mqMid].forEach(function (mq) {
      if (mq.addEventListener) mq.addEventListener('change', onMedia); else if (mq.addListener) mq.addListener(onMedia);
    });
    render();
    refresh();
    setInterval(refresh, REFRESH * 1000);
    setInterval(tickAgo, 5000);
  }

  checkup.statuspage = { refresh: refresh, render: render, storage: { type: STORE.type, base: STORE.base } };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})(window.checkup = window.checkup || {});
