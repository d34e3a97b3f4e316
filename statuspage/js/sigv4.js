// AWS Signature Version 4 with Web Crypto (crypto.subtle), for the one signed request the page
// may send: the bucket listing of the check-file fallback, with the original config's key pair.
'use strict';
(function (checkup) {
  var EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

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
  checkup.sigV4.uriEncode = uriEncode;
})(window.checkup = window.checkup || {});
