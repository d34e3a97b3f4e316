"""The processes of a run (`checkup serve`, chromedriver) and measuring the page in Chromium."""

import os
import statistics
import subprocess
import threading
import time

from .common import BROWSER_ARGS, CHROMEDRIVER, CHROMIUM, RENDER_TIMEOUT, ROOT, fmt_bytes, fmt_int, fmt_ms, log, write_json


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

def serve(procs, checkup, site_dir, work, name, statuspage=os.path.join(ROOT, 'statuspage')):
    """Starts `checkup serve` on 127.0.0.1:0 for the fs store site_dir; returns (proc, base URL)."""
    cfg = os.path.join(work, f'{name}.serve.json')
    write_json(cfg, {'storage': {'type': 'fs', 'dir': site_dir}})
    err = open(os.path.join(work, f'{name}.serve.stderr'), 'wb')
    p = subprocess.Popen([checkup, 'serve', '--listen', '127.0.0.1:0',
                          '--statuspage', statuspage, '-c', cfg],
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
        # The time spent in scripts (V8's ScriptDuration): the page's own, and this benchmark's
        # polling (WAIT_JS, a few microseconds every 5 ms).
        driver.execute_cdp_cmd('Performance.enable', {'timeDomain': 'threadTicks'})
        driver.get(url)
        waited = driver.execute_async_script(WAIT_JS, RENDER_TIMEOUT * 1000)
        metrics = {x['name']: x['value'] for x in driver.execute_cdp_cmd('Performance.getMetrics', {})['metrics']}
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
        'script_ms': metrics.get('ScriptDuration', 0) * 1000,
        'layout_ms': metrics.get('LayoutDuration', 0) * 1000,
        'style_ms': metrics.get('RecalcStyleDuration', 0) * 1000,
        'task_ms': metrics.get('TaskDuration', 0) * 1000,
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
        log(f"  {label} run {i + 1}/{runs}: rendered in {fmt_ms(r['rendered_ms'])}, script {fmt_ms(r['script_ms'])}, "
            f"{r['requests']} requests ({r['data_requests']} data), {fmt_bytes(r['transferred_bytes'])}, "
            f"{fmt_int(r['dom_nodes'])} DOM nodes, heap {fmt_bytes(r['js_heap_bytes'])}, "
            f"mode {r['mode']}{note}{err}")
        out.append(r)
    summary = {k: median_min_max([r[k] for r in out]) for k in
               ('rendered_ms', 'script_ms', 'layout_ms', 'style_ms', 'task_ms', 'requests', 'data_requests', 'transferred_bytes', 'decoded_bytes',
                'dom_nodes', 'js_heap_bytes', 'page_data_requests')}
    summary['detected_by'] = sorted({r['detected_by'] for r in out})
    summary['mode'] = sorted({str(r['mode']) for r in out})
    summary['errors'] = [r['error'] for r in out if r['error']]
    summary['runs'] = out
    return summary

