#!/usr/bin/env python3
"""Benchmark of checkup's status page and of `checkup summarize`.

Generates a long history of stored check files (by default 90 days x 50 endpoints x 3 origins,
one round every 10 minutes), rebuilds each origin's summary with `checkup summarize`, serves the
summaries with `checkup serve` and measures the status page in headless Chromium (Selenium).
For comparison it measures the page's check-file fallback (what the original checkup page does:
list the store and download every check file) for 1 day, and computes the original page's
requests and bytes for the whole history.

It prints figures; it does not pass or fail. See Benchmarks/README.md.

    python3 Benchmarks/statuspage.py                 # 90 days (several minutes)
    python3 Benchmarks/statuspage.py --days 7        # quicker
    python3 Benchmarks/statuspage.py --json out.json --keep
"""

import argparse
import gzip
import json
import math
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

CHROMIUM = '/usr/bin/chromium'
CHROMEDRIVER = '/usr/bin/chromedriver'
BROWSER_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                '--window-size=1440,900',
                # Unquantized performance.memory (otherwise rounded to coarse buckets).
                '--enable-precise-memory-info']
RENDER_TIMEOUT = 120  # seconds
NS = 1_000_000_000
ERROR_503 = 'response status 503 Service Unavailable'


# ---------------------------------------------------------------------------------------------
# formatting

def fmt_int(n):
    return f'{n:,}'


def fmt_bytes(n):
    if n is None:
        return 'n/a'
    for unit, size in (('GB', 1e9), ('MB', 1e6), ('KB', 1e3)):
        if n >= size:
            return f'{n / size:.{1 if n / size >= 100 else 2}f} {unit}'
    return f'{n} B'


def fmt_ms(ms):
    if ms is None:
        return 'n/a'
    return f'{ms / 1000:.2f} s' if ms >= 1000 else f'{ms:.0f} ms'


def fmt_s(s):
    return f'{s:.1f} s' if s < 120 else f'{s / 60:.1f} min ({s:.0f} s)'


def log(*a):
    print(*a, flush=True)


# ---------------------------------------------------------------------------------------------
# 1. generating the stores

class EndpointModel:
    """How one synthetic endpoint behaves: a base RTT, noise, and how often it degrades or fails."""

    def __init__(self, i, rng):
        self.i = i
        self.title = f'Endpoint {i + 1:02d}'
        self.url = f'https://ep{i + 1:02d}.example.test/'
        self.base = rng.uniform(30e6, 180e6)           # ns
        self.jitter = rng.uniform(0.05, 0.35)
        # Every 7th endpoint has an outage (1-6 rounds) now and then; every 5th is sometimes
        # slow (degraded).
        self.p_down = 0.002 if i % 7 == 3 else 0.0
        self.p_slow = 0.01 if i % 5 == 2 else 0.0005
        self.threshold = 300_000_000
        self.down_left = 0                              # rounds left of the current outage
        self.head = ('{"title":' + json.dumps(self.title) + ',"endpoint":' + json.dumps(self.url) +
                     ',"timestamp":')


def make_result(ep, ts, rng, message=None):
    """One result in the original checkup's stored format, as compact JSON text."""
    r = rng.random()
    if ep.down_left > 0:                                # an outage lasts 1-6 rounds
        ep.down_left -= 1
        r = -1.0
    elif r < ep.p_down:
        ep.down_left = int(rng.random() * 6)
    rtt = int(ep.base * (1 + ep.jitter * (rng.random() - 0.5) * 2))
    lookup = 1_000_000 + (rtt & 0x3FFFFF)              # cheap pseudo-variety, ~1-5 ms
    connect = 2_000_000 + (rtt >> 7 & 0x3FFFFF)
    tls = 5_000_000 + (rtt >> 3 & 0x7FFFFF)
    first = max(1, rtt - lookup - connect - tls)
    if r < ep.p_down:
        attempt = '{"rtt":%d,"lookup":%d,"connect":%d,"error":%s}' % (
            rtt, lookup, connect, json.dumps(ERROR_503))
        state = '"down":true'
    else:
        if r < ep.p_down + ep.p_slow:
            rtt = ep.threshold + int(rng.random() * 400_000_000)
            first = max(1, rtt - lookup - connect - tls)
            state = '"degraded":true'
        else:
            state = '"healthy":true'
        attempt = '{"rtt":%d,"lookup":%d,"connect":%d,"tls":%d,"first_byte":%d}' % (
            rtt, lookup, connect, tls, first)
    msg = ',"message":' + json.dumps(message) if message else ''
    return '%s%d,"times":[%s],"threshold":%d,%s%s}' % (ep.head, ts, attempt, ep.threshold, state, msg)


def generate_origin(checks_dir, origin_index, now_ns, args, endpoints):
    """Writes one origin's check files and index.json; returns (files, results, bytes, names)."""
    os.makedirs(checks_dir, exist_ok=True)
    rng = random.Random(1000 + origin_index)
    interval_ns = args.interval * NS
    rounds = args.days * 86400 // args.interval
    per_day = max(1, 86400 // args.interval)
    end = now_ns - origin_index * 3 * NS - 1_000_000 * origin_index  # a few seconds apart
    for ep in endpoints:
        ep.down_left = 0
    index = {}
    nbytes = 0
    results = 0
    files = []
    for k in range(rounds - 1, -1, -1):                  # oldest first
        ts = end - k * interval_ns
        message_ep = (k // per_day) % len(endpoints) if k % per_day == per_day // 2 else -1
        parts = []
        for j, ep in enumerate(endpoints):
            t = ts - (len(endpoints) - j) * 1_000_000     # results a few ms before the store
            parts.append(make_result(ep, t, rng, 'Maintenance <b>done</b>' if j == message_ep else None))
        data = ('[' + ','.join(parts) + ']').encode()
        name = f'{ts}-check.json'
        with open(os.path.join(checks_dir, name), 'wb') as f:
            f.write(data)
        index[name] = ts
        files.append((name, ts, len(data)))
        nbytes += len(data)
        results += len(parts)
    idx = json.dumps(index, separators=(',', ':')).encode()
    with open(os.path.join(checks_dir, 'index.json'), 'wb') as f:
        f.write(idx)
    return files, results, nbytes, len(idx)


# ---------------------------------------------------------------------------------------------
# processes

class Procs:
    """Every process this benchmark starts, so that `finally` can stop them all."""

    def __init__(self):
        self.serves = []
        self.drivers = []

    def stop_serve(self, p):
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if p in self.serves:
            self.serves.remove(p)

    def stop_driver(self, d):
        driver, service = d
        try:
            if driver is not None:
                driver.quit()
        except Exception:
            pass
        try:
            service.stop()
        except Exception:
            pass
        proc = getattr(service, 'process', None)
        if proc is not None and proc.poll() is None:
            proc.kill()
        if d in self.drivers:
            self.drivers.remove(d)

    def stop_all(self):
        for d in list(self.drivers):
            self.stop_driver(d)
        for p in list(self.serves):
            self.stop_serve(p)


def write_json(path, obj):
    with open(path, 'w') as f:
        json.dump(obj, f, separators=(',', ':'))


def serve(procs, checkup, site_dir, work, name):
    """Starts `checkup serve` on 127.0.0.1:0 for the fs store site_dir; returns (proc, base URL)."""
    cfg = os.path.join(work, f'{name}.serve.json')
    write_json(cfg, {'storage': {'type': 'fs', 'dir': site_dir}})
    err = open(os.path.join(work, f'{name}.serve.stderr'), 'wb')
    p = subprocess.Popen([checkup, 'serve', '--listen', '127.0.0.1:0',
                          '--statuspage', os.path.join(ROOT, 'statuspage'), '-c', cfg],
                         stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL)
    err.close()
    procs.serves.append(p)
    first = {}

    def reader():
        line = p.stdout.readline()
        first['line'] = line.decode(errors='replace')
        for _ in p.stdout:                               # keep the pipe drained
            pass

    threading.Thread(target=reader, daemon=True).start()
    deadline = time.time() + 20
    while 'line' not in first and time.time() < deadline and p.poll() is None:
        time.sleep(0.02)
    line = first.get('line', '')
    marker = 'http://127.0.0.1:'
    if marker not in line:
        with open(os.path.join(work, f'{name}.serve.stderr'), 'rb') as f:
            detail = f.read().decode(errors='replace').strip()
        raise RuntimeError(f'checkup serve did not start: {line.strip() or detail or "no output"}')
    port = int(line.split(marker, 1)[1].split('/', 1)[0])
    return p, f'http://127.0.0.1:{port}/'


# ---------------------------------------------------------------------------------------------
# 4. measuring the page

WAIT_JS = r'''
var done = arguments[arguments.length - 1], limit = arguments[0];
var t0 = Date.now(), overallAt = null;
(function poll() {
  var now = performance.now();
  if (document.documentElement.dataset.rendered === '1') return done({how: 'rendered', t: now});
  var ov = document.getElementById('overall');
  if (ov && !ov.classList.contains('status-loading')) {
    // The page sets dataset.rendered in the same task as its first render; if it has not after
    // 3 s, this version of the page does not set it: use the moment #overall stopped loading.
    if (overallAt === null) overallAt = now;
    else if (now - overallAt > 3000) return done({how: 'overall', t: overallAt});
  }
  if (Date.now() - t0 > limit) return done({how: 'timeout', t: now});
  setTimeout(poll, 5);
})();
'''

READ_JS = r'''
var nav = performance.getEntriesByType('navigation')[0] || null;
var res = performance.getEntriesByType('resource');
var mark = performance.getEntriesByName('checkup-rendered', 'mark')[0] || null;
var types = {}, data = 0, transfer = 0, decoded = 0, dataBytes = 0;
res.forEach(function (r) {
  types[r.initiatorType] = (types[r.initiatorType] || 0) + 1;
  transfer += r.transferSize || 0;
  decoded += r.decodedBodySize || 0;
  if (r.initiatorType === 'fetch' || r.initiatorType === 'xmlhttprequest') { data++; dataBytes += r.transferSize || 0; }
});
var ov = document.getElementById('overall'), det = document.getElementById('overall-detail');
var cc = document.getElementById('check-count');
return {
  mark: mark ? mark.startTime : null,
  fallbackMs: Date.now() - performance.timing.navigationStart,
  resources: res.length, types: types, data: data, dataBytes: dataBytes,
  transfer: transfer + (nav ? nav.transferSize || 0 : 0),
  decoded: decoded + (nav ? nav.decodedBodySize || 0 : 0),
  domNodes: document.getElementsByTagName('*').length,
  heap: (performance.memory && performance.memory.usedJSHeapSize) || null,
  overallClass: ov ? ov.className : null,
  detail: det && !det.hidden ? det.textContent : '',
  checkCount: cc ? cc.textContent : '',
  endpoints: document.querySelectorAll('#endpoints > *').length,
  stats: window.checkupStats || null,
  domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
  load: nav ? nav.loadEventEnd : null
};
'''


def measure_once(procs, url):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in BROWSER_ARGS:
        opts.add_argument(a)
    service = Service(executable_path=CHROMEDRIVER, log_output=subprocess.DEVNULL)
    entry = [None, service]
    procs.drivers.append(entry)
    try:
        entry[0] = driver = webdriver.Chrome(service=service, options=opts)
        # Room for every request of the check-file mode (the default buffer keeps 250 entries).
        driver.execute_cdp_cmd('Page.addScriptToEvaluateOnNewDocument', {
            'source': 'performance.setResourceTimingBufferSize(1000000);'})
        driver.set_page_load_timeout(RENDER_TIMEOUT)
        driver.set_script_timeout(RENDER_TIMEOUT + 10)
        driver.get(url)
        waited = driver.execute_async_script(WAIT_JS, RENDER_TIMEOUT * 1000)
        m = driver.execute_script(READ_JS)
    finally:
        procs.stop_driver(entry)
    how = waited['how']
    if how == 'rendered':
        rendered_ms = m['mark'] if m['mark'] is not None else m['fallbackMs']
    else:
        rendered_ms = waited['t']
    return {
        'detected_by': how,
        'rendered_ms': rendered_ms,
        'requests': m['resources'] + 1,
        'data_requests': m['data'],
        'by_type': m['types'],
        'transferred_bytes': m['transfer'],
        'decoded_bytes': m['decoded'],
        'data_bytes': m['dataBytes'],
        'dom_nodes': m['domNodes'],
        'js_heap_bytes': m['heap'],
        'mode': (m['stats'] or {}).get('mode'),
        'page_data_requests': (m['stats'] or {}).get('requests'),
        'endpoints_shown': m['endpoints'],
        'check_count_text': m['checkCount'],
        'error': m['detail'] if 'error' in (m['overallClass'] or '') or 'Could not' in (m['detail'] or '') else '',
        'overall_class': m['overallClass'],
        'dom_content_loaded_ms': m['domContentLoaded'],
        'load_ms': m['load'],
    }


def median_min_max(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return {'median': None, 'min': None, 'max': None}
    return {'median': statistics.median(vals), 'min': min(vals), 'max': max(vals)}


def measure(procs, url, runs, label):
    out = []
    for i in range(runs):
        r = measure_once(procs, url)
        note = '' if r['detected_by'] == 'rendered' else f" [detected by {r['detected_by']}]"
        err = f"  ERROR on page: {r['error']}" if r['error'] else ''
        log(f"  {label} run {i + 1}/{runs}: rendered in {fmt_ms(r['rendered_ms'])}, "
            f"{r['requests']} requests ({r['data_requests']} data), {fmt_bytes(r['transferred_bytes'])}, "
            f"{fmt_int(r['dom_nodes'])} DOM nodes, heap {fmt_bytes(r['js_heap_bytes'])}, "
            f"mode {r['mode']}{note}{err}")
        out.append(r)
    summary = {k: median_min_max([r[k] for r in out]) for k in
               ('rendered_ms', 'requests', 'data_requests', 'transferred_bytes', 'decoded_bytes',
                'dom_nodes', 'js_heap_bytes', 'page_data_requests')}
    summary['detected_by'] = sorted({r['detected_by'] for r in out})
    summary['mode'] = sorted({str(r['mode']) for r in out})
    summary['errors'] = [r['error'] for r in out if r['error']]
    summary['runs'] = out
    return summary


# ---------------------------------------------------------------------------------------------
# main

def find_checkup(path):
    if path:
        return path
    for p in (os.path.join(ROOT, '.build-bench/release/checkup'), os.path.join(ROOT, '.build/release/checkup')):
        if os.path.exists(p):
            return p
    sys.exit('statuspage.py: no checkup binary; run `swift build -c release` or pass --checkup PATH')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--days', type=int, default=90)
    ap.add_argument('--endpoints', type=int, default=50)
    ap.add_argument('--origins', type=int, default=3)
    ap.add_argument('--interval', type=int, default=600, help='seconds between rounds (default 600)')
    ap.add_argument('--runs', type=int, default=3, help='browser runs per page (default 3)')
    ap.add_argument('--work', help='working directory (default: a temporary one)')
    ap.add_argument('--keep', action='store_true', help='keep the working directory')
    ap.add_argument('--checkup', help='the checkup binary (default .build-bench/release/checkup, else .build/release/checkup)')
    ap.add_argument('--json', help='also write the figures as JSON to this file')
    ap.add_argument('--no-browser', action='store_true', help='skip the browser measurements')
    args = ap.parse_args()
    if args.days < 1 or args.endpoints < 1 or args.origins < 1 or args.interval < 1 or args.runs < 1:
        ap.error('--days, --endpoints, --origins, --interval and --runs must be positive')

    checkup = find_checkup(args.checkup)
    if not os.access(checkup, os.X_OK):
        sys.exit(f'statuspage.py: {checkup} is not executable')
    made_work = args.work is None
    work = os.path.abspath(args.work or tempfile.mkdtemp(prefix='checkup-bench-'))
    os.makedirs(work, exist_ok=True)

    # SIGTERM behaves like Ctrl-C, so the finally block below always runs.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))

    procs = Procs()
    started = time.time()
    origins = [f'node-{i + 1}' for i in range(args.origins)]
    report = {
        'config': {'days': args.days, 'endpoints': args.endpoints, 'origins': args.origins,
                   'interval_s': args.interval, 'runs': args.runs, 'checkup': checkup, 'work': work,
                   'browser_args': BROWSER_ARGS},
    }
    interrupted = False
    try:
        # 1. generate
        log(f'checkup status page benchmark: {args.days} days x {args.endpoints} endpoints x '
            f'{args.origins} origins, a round every {args.interval} s; work dir {work}')
        rng = random.Random(42)
        endpoints = [EndpointModel(i, rng) for i in range(args.endpoints)]
        now_ns = time.time_ns()
        t = time.perf_counter()
        gen = {}
        all_files = {}
        for i, o in enumerate(origins):
            files, results, nbytes, idx_bytes = generate_origin(
                os.path.join(work, o, 'checks'), i, now_ns, args, endpoints)
            all_files[o] = files
            gen[o] = {'files': len(files), 'results': results, 'bytes': nbytes, 'index_bytes': idx_bytes}
        gen_s = time.perf_counter() - t
        tot_files = sum(g['files'] for g in gen.values())
        tot_results = sum(g['results'] for g in gen.values())
        tot_bytes = sum(g['bytes'] for g in gen.values())
        tot_index = sum(g['index_bytes'] for g in gen.values())
        log(f'generated {fmt_int(tot_files)} check files, {fmt_int(tot_results)} results, '
            f'{fmt_bytes(tot_bytes)} (+ {fmt_bytes(tot_index)} of index.json) in {fmt_s(gen_s)}')
        report['generate'] = {'seconds': gen_s, 'files': tot_files, 'results': tot_results,
                              'bytes': tot_bytes, 'index_bytes': tot_index, 'origins': gen}

        # 2. summarize
        report['summarize'] = {}
        site = os.path.join(work, 'site', 'checks', 'summaries')
        os.makedirs(site, exist_ok=True)
        for o in origins:
            checks = os.path.join(work, o, 'checks')
            cfg = os.path.join(work, f'{o}.json')
            write_json(cfg, {'storage': {'type': 'fs', 'dir': checks}, 'origin': o})
            t = time.perf_counter()
            p = subprocess.run([checkup, 'summarize', '-c', cfg], capture_output=True, text=True)
            secs = time.perf_counter() - t
            if p.returncode != 0:
                raise RuntimeError(f'checkup summarize for {o} failed ({p.returncode}): {p.stderr.strip()}')
            path = os.path.join(checks, 'summaries', f'{o}.json')
            with open(path, 'rb') as f:
                data = f.read()
            gz = len(gzip.compress(data, compresslevel=6))
            with open(os.path.join(checks, 'summaries', 'index.json'), 'rb') as f:
                manifest = json.load(f)
            shutil.copyfile(path, os.path.join(site, f'{o}.json'))
            rate = gen[o]['results'] / secs if secs > 0 else 0
            log(f'summarize {o}: {fmt_int(gen[o]["files"])} files / {fmt_int(gen[o]["results"])} results in '
                f'{secs:.2f} s ({fmt_int(round(rate))} results/s), summary {fmt_bytes(len(data))} '
                f'({fmt_bytes(gz)} gzip); said: {p.stdout.strip()}')
            report['summarize'][o] = {'seconds': secs, 'files': gen[o]['files'], 'results': gen[o]['results'],
                                      'results_per_s': rate, 'summary_bytes': len(data), 'summary_gzip_bytes': gz,
                                      'manifest': manifest, 'output': p.stdout.strip()}

        # 3. the combined store: summaries only
        write_json(os.path.join(site, 'index.json'), {'version': 1, 'origins': origins})

        # 5 (data). the check-file store for the fallback: the last day of all origins
        orig = os.path.join(work, 'orig', 'checks')
        os.makedirs(orig, exist_ok=True)
        cutoff = time.time_ns() - 86400 * NS
        orig_index = {}
        orig_bytes = 0
        for o in origins:
            for name, ts, size in all_files[o]:
                if ts >= cutoff:
                    src = os.path.join(work, o, 'checks', name)
                    dst = os.path.join(orig, name)
                    try:
                        os.link(src, dst)
                    except OSError:
                        shutil.copyfile(src, dst)
                    orig_index[name] = ts
                    orig_bytes += size
        write_json(os.path.join(orig, 'index.json'), orig_index)
        list_pages = math.ceil(tot_files / 1000)
        report['original_computed'] = {
            'days': args.days, 'files': tot_files, 'list_requests': list_pages,
            'requests': list_pages + tot_files, 'bytes': tot_bytes,
            'note': 'the original page: one S3 listing (pages of 1000 keys) and one GET per check file; '
                    'page assets not counted'}
        report['orig_1day_store'] = {'files': len(orig_index), 'bytes': orig_bytes}

        # 4 + 5. the browser
        if not args.no_browser:
            p, url = serve(procs, checkup, os.path.join(work, 'site', 'checks'), work, 'site')
            log(f'serving the summaries at {url}')
            report['page_summaries'] = measure(procs, url, args.runs, 'summaries')
            procs.stop_serve(p)

            p, url = serve(procs, checkup, orig, work, 'orig')
            log(f'serving {fmt_int(len(orig_index))} check files (last day, {fmt_bytes(orig_bytes)}) at {url}')
            report['page_checkfiles_1day'] = measure(procs, url, args.runs, 'check files, 1 day')
            procs.stop_serve(p)
    except KeyboardInterrupt:
        interrupted = True
        log('\ninterrupted')
    finally:
        procs.stop_all()
        if not args.keep and made_work:
            shutil.rmtree(work, ignore_errors=True)
        elif not args.keep and os.path.isdir(work):
            # An explicit --work without --keep: remove what this run made inside it.
            for name in origins + ['site', 'orig']:
                shutil.rmtree(os.path.join(work, name), ignore_errors=True)
            for o in origins:
                for suffix in ('.json',):
                    try:
                        os.remove(os.path.join(work, o + suffix))
                    except OSError:
                        pass
            for name in ('site', 'orig'):
                for suffix in ('.serve.json', '.serve.stderr'):
                    try:
                        os.remove(os.path.join(work, name + suffix))
                    except OSError:
                        pass
    if interrupted:
        return 130

    total_s = time.time() - started
    report['total_seconds'] = total_s
    print_table(report, args, origins)
    log(f'whole run: {fmt_s(total_s)}' + (f'; kept {work}' if args.keep else ''))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(report, f, indent=2)
        log(f'wrote {args.json}')
    return 0


def print_table(report, args, origins):
    g = report['generate']
    interval = f'{args.interval // 60}-minute' if args.interval % 60 == 0 else f'{args.interval}-second'
    log('')
    log(f'status page, {args.days} days x {args.endpoints} endpoints x {args.origins} origins ({interval} rounds)')
    s = report.get('page_summaries')
    if s:
        note = '' if s['detected_by'] == ['rendered'] else f" (render detected by {'/'.join(s['detected_by'])}, not dataset.rendered)"
        log(f"  summaries (checkup):      requests {s['requests']['median']:.0f} ({s['data_requests']['median']:.0f} data), "
            f"{fmt_bytes(s['transferred_bytes']['median'])} transferred, rendered in {fmt_ms(s['rendered_ms']['median'])} "
            f"(median of {args.runs}; {fmt_ms(s['rendered_ms']['min'])}-{fmt_ms(s['rendered_ms']['max'])}){note}")
        log(f"                            {fmt_int(int(s['dom_nodes']['median']))} DOM nodes, JS heap "
            f"{fmt_bytes(s['js_heap_bytes']['median'])} ({fmt_bytes(s['js_heap_bytes']['min'])}-{fmt_bytes(s['js_heap_bytes']['max'])}), "
            f"mode {'/'.join(s['mode'])}" + (f"; ERRORS: {s['errors'][0]}" if s['errors'] else ''))
    c = report.get('page_checkfiles_1day')
    o = report['original_computed']
    line = '  check files (original):   '
    if c:
        note = '' if c['detected_by'] == ['rendered'] else f" (detected by {'/'.join(c['detected_by'])})"
        line += (f"1 day: requests {c['requests']['median']:.0f} ({c['data_requests']['median']:.0f} data), "
                 f"{fmt_bytes(c['transferred_bytes']['median'])}, rendered in {fmt_ms(c['rendered_ms']['median'])} "
                 f"({fmt_ms(c['rendered_ms']['min'])}-{fmt_ms(c['rendered_ms']['max'])}){note}; ")
    line += (f"{args.days} days: {fmt_int(o['files'])} files + {fmt_int(o['list_requests'])} list requests, "
             f"{fmt_bytes(o['bytes'])}")
    log(line)
    if c:
        log(f"                            1 day: {fmt_int(int(c['dom_nodes']['median']))} DOM nodes, JS heap "
            f"{fmt_bytes(c['js_heap_bytes']['median'])}, mode {'/'.join(c['mode'])}"
            + (f"; ERRORS: {c['errors'][0]}" if c['errors'] else ''))
    for name in origins:
        r = report['summarize'][name]
        log(f"  summarize: {name} {fmt_int(r['files'])} files / {fmt_int(r['results'])} results in {r['seconds']:.1f} s "
            f"({fmt_int(round(r['results_per_s']))} results/s), summary {fmt_bytes(r['summary_bytes'])} "
            f"({fmt_bytes(r['summary_gzip_bytes'])} gzip)")
    log(f"  generate: {fmt_int(g['files'])} files, {fmt_int(g['results'])} results, {fmt_bytes(g['bytes'])} in {fmt_s(g['seconds'])}")


if __name__ == '__main__':
    sys.exit(main())
