// The check-file fallback, for a store without summaries: lists the check files of the last
// `timeframe` (fs: index.json; S3: a bucket listing, signed with the original config's key when
// an anonymous one is refused), reads each one once and builds the model from their results.
'use strict';
(function (checkup) {
  var settings = checkup.settings, STORE = settings.store, state = checkup.state, store = checkup.store;
  var addFile = checkup.model.addFile, fromCheckFiles = checkup.model.fromCheckFiles, isNum = checkup.util.isNum;
  var sigV4 = checkup.sigV4, uriEncode = checkup.sigV4.uriEncode;
  var NAME_RE = /^\d+-check\.json$/;
  var PARALLEL = 6;

  function load() {
    var cf = state.checkFiles, cutoff = cutoffNs();
    var listing = STORE.type === 's3' ? listS3(cutoff) : listFs(cutoff);
    return listing.then(function (entries) {
      var todo = entries.filter(function (e) { return !cf.requested.has(e.name); });
      todo.forEach(function (e) { cf.requested.add(e.name); });
      return store.mapLimit(todo, PARALLEL, function (e) {
        return store.getJSON(e.name, {}, false).then(function (data) {
          addFile(e.name, e.stored, data);
          cf.failed.delete(e.name);
        }, function () {
          cf.requested.delete(e.name);   // failed: one more try on the next refresh
          cf.failed.add(e.name);
        });
      });
    }).then(function () {
      state.stats.mode = 'checkfiles';
      return fromCheckFiles();
    });
  }

  // now − timeframe in ns as decimal digits (beyond 2^53, so BigInt when there is one).
  function cutoffNs() {
    if (typeof BigInt === 'function') {
      return (BigInt(Date.now()) * BigInt(1000000) - BigInt(Math.round(settings.timeframeNs))).toString();
    }
    return String(Math.round(Date.now() * 1e6 - settings.timeframeNs));
  }

  function listFs(cutoff) {
    var c = Number(cutoff);
    return store.getJSON('index.json', null, false).then(function (index) {
      if (!index || typeof index !== 'object' || Array.isArray(index)) throw new Error('index.json (not a JSON object)');
      return Object.keys(index).filter(function (n) {
        return NAME_RE.test(n) && isNum(index[n]) && index[n] >= c;
      }).map(function (n) { return { name: n, stored: index[n] }; });
    });
  }

  // Lists the bucket's check files newer than the cutoff (keys are "<ns>-check.json", so
  // start-after works lexically), following continuation tokens.
  function listS3(cutoff) {
    var out = [], cf = state.checkFiles;
    function page(token) {
      var params = [['list-type', '2'], ['start-after', cutoff]];
      if (token) params.push(['continuation-token', token]);
      params.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
      var query = params.map(function (p) { return uriEncode(p[0]) + '=' + uriEncode(p[1]); }).join('&');
      var url = STORE.base + '?' + query;
      var headers = cf.signList ? sigV4(url, query, STORE.creds) : Promise.resolve(null);
      return headers.then(function (h) {
        return store.request(url, h ? { cache: 'no-cache', headers: h } : { cache: 'no-cache' });
      }, function (err) { throw new Error('the bucket listing (signing failed: ' + err.message + ')'); }).then(function (res) {
        if (res.status === 403 && !cf.signList && STORE.creds) {
          if (!(window.crypto && crypto.subtle)) {
            throw new Error('the bucket listing (it needs a signed request, and this browser can only sign in a secure https context)');
          }
          cf.signList = true;
          return page(token);
        }
        if (!res.ok) throw store.HttpError('the bucket listing', res.status, res.statusText);
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

  checkup.checkfiles = { load: load };
})(window.checkup = window.checkup || {});
