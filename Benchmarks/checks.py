#!/usr/bin/env python3
"""How fast and how small checkup's checks are, against the peers that do the same work.

Everything runs on loopback in one run, so the ratios compare like with like on this machine:
nginx (HTTP, HTTPS with a test certificate, and the TCP listener), the bare C libcurl loop
(Benchmarks/curl-loop.c, compiled here), `curl -Z`, `wrk -H 'Connection: close'` and
prometheus-blackbox-exporter at the same concurrency. Prints a Markdown table of min/median/max
and ratios, and writes every figure as JSON (--json).

    python3 Benchmarks/checks.py                 # every workload, about 15 minutes
    python3 Benchmarks/checks.py --quick         # smaller counts, 1-minute `every` runs
"""
import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import maxrss  # noqa: E402  (Benchmarks/maxrss.py: a command's own peak RSS)
import peers  # noqa: E402  (Benchmarks/peers.py: nginx, blackbox_exporter, the C loop)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run_measured(argv, stdout=subprocess.DEVNULL, env=None, cwd=None):
    """Runs argv to its end; returns (wall s, user+sys s, max RSS bytes, exit status)."""
    wall, usage, rss, p = maxrss.run(argv, stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=cwd)
    err = p.stderr.read().decode(errors='replace')
    p.stderr.close()
    if p.returncode not in (0, 1):
        raise RuntimeError('%s exited %d: %s' % (argv[0], p.returncode, err.strip()[-400:]))
    return wall, usage.ru_utime + usage.ru_stime, rss, p.returncode


def summary(values):
    return {'min': min(values), 'median': statistics.median(values), 'max': max(values), 'runs': values}


def checkup_config(path, kind, n, parallel, http_url, tcp_addr, tls_addr, ca, dns_addr=None):
    checkers = []
    for i in range(n):
        if kind == 'http':
            checkers.append({'type': 'http', 'endpoint_name': 'h%d' % i, 'endpoint_url': '%s?n=%d' % (http_url, i),
                             'attempts': 1})
        elif kind == 'dns':
            checkers.append({'type': 'dns', 'endpoint_name': 'd%d' % i, 'endpoint_url': dns_addr,
                             'hostname_fqdn': peers.DNS_NAME, 'attempts': 1})
        elif kind == 'tcp':
            checkers.append({'type': 'tcp', 'endpoint_name': 't%d' % i, 'endpoint_url': tcp_addr, 'attempts': 1})
        else:
            checkers.append({'type': 'tls', 'endpoint_name': 's%d' % i, 'endpoint_url': tls_addr, 'attempts': 1,
                             'trusted_roots': [ca]})
    with open(path, 'w') as f:
        json.dump({'checkers': checkers, 'concurrent_checks': parallel, 'storage': {'type': 'fs', 'dir': os.path.dirname(path) + '/store'}}, f)


def rate_of(n, walls):
    return [n / w for w in walls]


class Bench:
    def __init__(self, args, work):
        self.args, self.work = args, work
        self.rows = []  # (workload, tool, figure dict)
        self.figures = {}

    def record(self, workload, tool, rates=None, cpu=None, rss=None, note=''):
        entry = {'rate': summary(rates) if rates else None, 'cpu_per_check_us': summary(cpu) if cpu else None,
                 'max_rss': summary(rss) if rss else None, 'note': note}
        self.figures.setdefault(workload, {})[tool] = entry
        r = entry['rate']
        log('  %-28s %-26s %s' % (workload, tool, '%.0f/s (median)' % r['median'] if r else ''))

    def repeat(self, argv, n):
        """Rates, CPU per check and max RSS of --runs runs, and a note when a run's exit status
        said some checks failed (1): fast failures would pass for a fast rate otherwise."""
        walls, cpus, rsses, failed = [], [], [], 0
        for _ in range(self.args.runs):
            wall, cpu, rss, status = run_measured(argv)
            walls.append(wall)
            cpus.append(cpu / n * 1e6)
            rsses.append(rss)
            failed += status != 0
        if failed:
            log('  %s: some checks failed in %d of %d runs' % (os.path.basename(argv[0]), failed, self.args.runs))
        return rate_of(n, walls), cpus, rsses, 'checks failed in %d runs' % failed if failed else ''

    def checks(self, kind, n, parallel, env):
        cfg = os.path.join(self.work, 'bench-%s-%d-%d' % (kind, n, parallel), 'checkup.json')
        os.makedirs(os.path.dirname(cfg), exist_ok=True)
        checkup_config(cfg, kind, n, parallel, env.http_url, env.tcp_addr, env.tls_addr, env.ca, env.dns_addr)
        workload = '%s %s checks, %d at once' % (f'{n:,}', kind.upper(), parallel)
        log(workload)
        rates, cpu, rss, failed = self.repeat([self.args.checkup, '-c', cfg], n)
        self.record(workload, 'checkup', rates, cpu, rss, failed)
        loop = {'http': [env.loop, env.http_url], 'tcp': [env.loop, '--connect-only', env.http_url],
                'tls': [env.loop, '--connect-only', '--cacert', env.ca, env.https_url],
                'dns': [env.ares_loop, env.dns_addr, peers.DNS_NAME]}[kind]
        rates, cpu, rss, failed = self.repeat(loop + [str(n), str(parallel)], n)
        self.record(workload, 'C c-ares loop' if kind == 'dns' else 'C libcurl loop', rates, cpu, rss, failed)
        if kind == 'http' and shutil.which('curl'):
            cap = min(parallel, 300)  # curl's own ceiling for --parallel-max
            listing = os.path.join(self.work, 'curl-%d.txt' % n)
            with open(listing, 'w') as f:
                for i in range(n):
                    f.write('url = "%s?n=%d"\noutput = "/dev/null"\n' % (env.http_url, i))
            rates, cpu, rss, failed = self.repeat(['curl', '-sS', '-Z', '--parallel-max', str(cap), '-K', listing], n)
            notes = [failed] + ([] if cap == parallel else ['--parallel-max %d (curl caps it)' % cap])
            self.record(workload, 'curl -Z', rates, cpu, rss, ', '.join(x for x in notes if x))
        if kind in ('http', 'tls') and env.wrk:
            url = env.http_url if kind == 'http' else env.https_url
            rates = [peers.wrk_rate(env.wrk, url, parallel, self.args.wrk_seconds) for _ in range(self.args.runs)]
            self.record(workload, "wrk, 'Connection: close'", rates)
        if env.blackbox and parallel <= 100:
            target = {'http': env.http_url, 'tcp': env.tcp_addr, 'tls': env.tls_addr, 'dns': env.dns_addr}[kind]
            rates = [env.blackbox.rate(kind, target, parallel, self.args.wrk_seconds) for _ in range(self.args.runs)]
            self.record(workload, 'blackbox_exporter', rates)

    def startup(self):
        walls, rsses = [], []
        for _ in range(20):
            wall, _, rss, _ = run_measured([self.args.checkup, '--help'])
            walls.append(wall)
            rsses.append(rss)
        self.figures['checkup --help'] = {'checkup': {'wall_ms': summary([w * 1000 for w in walls]), 'max_rss': summary(rsses)}}
        log('checkup --help: %.1f ms, %.1f MB' % (statistics.median(walls) * 1000, statistics.median(rsses) / 1e6))

    def every(self, n, env, minutes):
        """RSS of `checkup every 10s --store` with n HTTP checkers after `minutes`."""
        d = os.path.join(self.work, 'every-%d' % n)
        os.makedirs(d, exist_ok=True)
        cfg = os.path.join(d, 'checkup.json')
        checkup_config(cfg, 'http', n, 100, env.http_url, env.tcp_addr, env.tls_addr, env.ca)
        log('checkup every 10s, %s HTTP checkers, %g min' % (f'{n:,}', minutes))
        p = subprocess.Popen([self.args.checkup, 'every', '10s', '-c', cfg], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, cwd=d)
        samples = []
        deadline = time.monotonic() + minutes * 60
        first_cpu = last_cpu = None
        try:
            while time.monotonic() < deadline:
                time.sleep(5)
                samples.append(peers.rss_of(p.pid))
                cpu = (cpu_seconds(p.pid), time.monotonic())
                first_cpu = first_cpu or cpu
                last_cpu = cpu
        finally:
            start = time.perf_counter()
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=30)
            stop = time.perf_counter() - start
        # CPU per round: user + system time between the first and the last sample, over the
        # 10 s rounds that began between them (the start-up and first round left out).
        rounds = (last_cpu[1] - first_cpu[1]) / 10
        per_round = (last_cpu[0] - first_cpu[0]) / rounds if rounds >= 1 else None
        self.figures['every 10s, %d checkers' % n] = {'checkup': {
            'rss_after': samples[-1], 'rss_max': max(samples), 'rss_first': samples[0], 'minutes': minutes,
            'stop_s': stop, 'samples': samples, 'cpu_per_round_s': per_round}}
        log('  RSS %.1f MB after %g min (first %.1f, max %.1f); CPU per round %s; stopped in %.2f s' % (
            samples[-1] / 1e6, minutes, samples[0] / 1e6, max(samples) / 1e6,
            '%.0f ms' % (per_round * 1000) if per_round is not None else 'n/a', stop))


def cpu_seconds(pid):
    """User + system CPU time of a running process, from /proc/PID/stat."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--checkup', default=os.path.join(ROOT, '.build/release/checkup'))
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--quick', action='store_true', help='1,000 checks only, 1-minute `every` runs')
    ap.add_argument('--every-minutes', type=float, help='how long each `every` run lasts (default 5, quick 1)')
    ap.add_argument('--wrk-seconds', type=int, default=3)
    ap.add_argument('--only', help='comma-separated: http,tcp,tls,dns,startup,every')
    ap.add_argument('--json', help='write every figure to this file')
    ap.add_argument('--work', help='working directory (default: a temporary one, deleted at the end)')
    args = ap.parse_args()
    args.checkup = os.path.abspath(args.checkup)
    if not os.access(args.checkup, os.X_OK):
        sys.exit('checks.py: %s is not built; run: swift build -c release' % args.checkup)
    only = set((args.only or 'http,tcp,tls,dns,startup,every').split(','))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    work = args.work or tempfile.mkdtemp(prefix='checkup-bench-')
    os.makedirs(work, exist_ok=True)
    env = peers.Peers(work)
    bench = Bench(args, work)
    try:
        env.start()
        counts = [1000] if args.quick else [1000, 10000]
        if 'http' in only:
            for n in counts:
                for parallel in (100, 1000):
                    bench.checks('http', n, parallel, env)
        if 'tcp' in only:
            bench.checks('tcp', counts[-1], 100, env)
        if 'tls' in only:
            bench.checks('tls', 1000 if args.quick else 2000, 100, env)
        if 'dns' in only:
            if env.dns_addr:
                bench.checks('dns', counts[-1], 100, env)
            else:
                log('dns: dnsmasq is not installed (Scripts/install-deps --bench); no DNS row')
        if 'startup' in only:
            bench.startup()
        if 'every' in only:
            minutes = args.every_minutes or (1 if args.quick else 5)
            for n in counts:
                bench.every(n, env, minutes)
    finally:
        # What was measured is reported even when a later step fails or is interrupted.
        env.stop()
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
        report = {'machine': peers.machine(), 'checkup': args.checkup, 'runs': args.runs, 'figures': bench.figures}
        if args.json:
            with open(args.json, 'w') as f:
                json.dump(report, f, indent=1)
        print(peers.markdown(report))

if __name__ == '__main__':
    main()
