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
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pagebench.browser import Procs, measure, serve  # noqa: E402
from pagebench.common import BROWSER_ARGS, NS, ROOT, fmt_bytes, fmt_int, fmt_s, log, write_json  # noqa: E402
from pagebench.history import EndpointModel, generate_origin, write_views  # noqa: E402
from pagebench.report import print_table  # noqa: E402


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
    ap.add_argument('--statuspage', default=os.path.join(ROOT, 'statuspage'),
                    help="the page's files (default statuspage/; another version's, to compare)")
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
        # and the views beside them (incidents, maintenance, groups), first as an older checkup
        # leaves them (no page index in the manifest: the page reads each view's file), then with
        # the page index (the copies in the manifest: N + 1 data requests).
        parts = write_views(os.path.dirname(site), endpoints, now_ns)
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
            p, url = serve(procs, checkup, os.path.join(work, 'site', 'checks'), work, 'site', args.statuspage)
            log(f'serving the summaries at {url}')
            report['page_summaries_old_store'] = measure(procs, url, args.runs, 'summaries, no page index')
            write_json(os.path.join(site, 'index.json'), {'version': 1, 'origins': origins, 'page': parts})
            report['page_summaries'] = measure(procs, url, args.runs, 'summaries, page index')
            procs.stop_serve(p)

            p, url = serve(procs, checkup, orig, work, 'orig', args.statuspage)
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

if __name__ == '__main__':
    sys.exit(main())

