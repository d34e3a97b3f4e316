// Configuration for the checkup status page.
// Edit these values to suit your deployment; keys match the original checkup.
'use strict';
var checkup = window.checkup || {};

checkup.config = {
  // How much history to load and show, in nanoseconds (default: 1 day).
  timeframe: 1 * 24 * 60 * 60 * 1e9,

  // How often to look for new checks, in seconds.
  refresh_interval: 60,

  // Where the check files are stored. With `checkup serve` the page and the
  // data share an origin, so the URL is simply "/".
  storage: {
    type: 'fs',
    url: '/'
  },

  // Text shown in the overall status banner.
  status_text: {
    healthy: 'Situation Normal',
    degraded: 'Degraded Service',
    down: 'Service Disruption'
  }
};

window.checkup = checkup;
