#!/usr/bin/env python3
"""Benchmark of a node's status summary: its size and the cost of one round's update.

Builds `checkup-summary-bench` (Benchmarks/SummaryBench, release), which makes the summary of a
node that has checked N endpoints every minute for 100 days (a pinned, generated history) and
times one more round's update 20 times: in a long-running `checkup every` (the summary is in
memory: add the round, write the JSON) and in a one-shot `checkup --store` (read the stored JSON
first). Prints a Markdown table against the targets of issue 14; it does not pass or fail.

    python3 Benchmarks/summary.py                  # 50 and 1,000 endpoints (about 2 minutes)
    python3 Benchmarks/summary.py --endpoints 50 --json out.json
"""

import argparse
import gzip
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Targets (issue 14): update under 20 ms for 50 endpoints and 200 ms for 1,000; under 2 MB for 1,000.
TARGET_MS = {50: 20, 1000: 200}
TARGET_BYTES = {1000: 2_000_000}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--endpoints', type=int, action='append', help='endpoints (repeatable; default 50 and 1000)')
    ap.add_argument('--rounds', type=int, default=20, help='updates measured (the median is shown)')
    ap.add_argument('--json', help='write the figures to this file')
    args = ap.parse_args()
    sizes = args.endpoints or [50, 1000]
    print('building checkup-summary-bench (release)...', flush=True)
    subprocess.run(['swift', 'build', '-c', 'release', '--product', 'checkup-summary-bench'], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    binary = os.path.join(ROOT, '.build', 'release', 'checkup-summary-bench')
    rows = []
    for n in sizes:
        print(f'{n} endpoints: building 100 days of history...', flush=True)
        path = os.path.join(ROOT, '.build', f'summary-bench-{n}.json')
        out = subprocess.run([binary, str(n), str(args.rounds), path], check=True, capture_output=True, text=True).stdout
        row = json.loads(out)
        with open(path, 'rb') as f:
            row['summary_gzip_bytes'] = len(gzip.compress(f.read(), 6))  # as stored on S3 (Content-Encoding: gzip)
        os.remove(path)
        rows.append(row)
    print()
    print('| endpoints | summary | gzipped (S3) | points | update in `every` | target | one-shot `--store` | of which parsing |')
    print('|---|---|---|---|---|---|---|---|')
    for r in rows:
        n = r['endpoints']
        target = TARGET_MS.get(n)
        size = f"{r['summary_bytes'] / 1e6:.2f} MB"
        if n in TARGET_BYTES:
            size += f" ({r['summary_bytes'] / TARGET_BYTES[n]:.1f}× the 2 MB target)"
        update = r['update_in_memory_ms']
        versus = f'{target} ms ({update / target:.2f}×)' if target else '—'
        print(f"| {n:,} | {size} | {r['summary_gzip_bytes'] / 1e6:.2f} MB | {r['points']:,} | {update:.1f} ms | {versus} "
              f"| {r['update_one_shot_ms']:.0f} ms | {r['parse_ms']:.0f} ms |")
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(rows, f, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())
