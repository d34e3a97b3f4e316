// Configuration for the checkup status page.
// Edit these values to suit your deployment; keys match the original checkup.
'use strict';
var checkup = window.checkup || {};

checkup.config = {
  // Page heading and document title.
  title: 'Status',

  // How much history to load when the store has no summaries and the page reads the check
  // files themselves, in nanoseconds (default: 1 day). Summaries always give 24 h + 90 days.
  timeframe: 1 * 24 * 60 * 60 * 1e9,

  // How often to look for new results, in seconds.
  refresh_interval: 60,

  // Where the results are stored. With `checkup serve` the page and the data share an origin,
  // so the URL is simply "/". Other forms:
  //   { type: 's3', url: 'https://bucket.s3.eu-west-1.amazonaws.com/' }
  //   { AccessKeyID: '…', SecretAccessKey: '…', Region: 'us-east-1', BucketName: 'bucket' }
  //     (the original's form; the key pair, a public read-only one, is only ever used to sign
  //     the bucket listing when the store has no summaries and anonymous listing is refused)
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
