// The page's settings, read once from config.js (checkup.settings), and the one object that
// holds everything the page changes as it loads and refreshes (checkup.state).
'use strict';
(function (checkup) {
  var cfg = checkup.config || {};
  var TEXT = { healthy: 'System Nominal', degraded: 'Sub-Optimal', down: 'Outage', unknown: 'Status Unknown', maintenance: 'Under Maintenance' };

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

  var timeframeNs = Number(cfg.timeframe) > 0 ? Number(cfg.timeframe) : 864e11;   // check-file mode only
  var wide = window.matchMedia('(min-width: 760px)');
  var title = typeof cfg.title === 'string' && cfg.title.trim() ? cfg.title.trim() : 'Status';

  checkup.settings = {
    title: title,
    timeframeNs: timeframeNs,
    timeframeMs: timeframeNs / 1e6,
    timeframeText: checkup.fmt.span(timeframeNs),                  // "1 day"
    refresh: Math.max(5, Number(cfg.refresh_interval) || 60),      // s
    store: storageOf(cfg.storage || {}),
    wide: wide,                                                     // the two-column layout
    // Timeline items shown at first and per "Show more": fewer on a phone, where the timeline sits
    // below every endpoint.
    timelinePage: wide.matches ? 50 : 15,
    statusText: function (state) {
      var t = cfg.status_text && cfg.status_text[state];
      return typeof t === 'string' && t ? t : TEXT[state];
    }
  };

  checkup.state = {
    // Read by tests and benchmarks; verdicts: how many endpoints show the nodes' verdicts (verdicts.js).
    stats: window.checkupStats = { loads: 0, mode: null, requests: 0, verdicts: 0 },
    model: null,                  // {mode, endpoints: [ep], messages: [...], info, at}
    busy: false,                  // a refresh is under way
    loaded: false,                // a model was loaded at least once
    rendered: false,              // the first render (with data or an error) is done
    lastError: null,              // what the last refresh could not load, or null
    timelineLimit: checkup.settings.timelinePage,
    // Check-file mode: names fetched or being fetched are never fetched twice.
    checkFiles: {
      requested: new Set(),
      stored: new Map(),          // name -> stored time (ns)
      results: new Map(),         // key -> {title, endpoint, list: [result]}
      failed: new Set(),          // names that could not be loaded on the last try
      signList: false             // the bucket refused an anonymous listing: sign it
    }
  };
})(window.checkup = window.checkup || {});
