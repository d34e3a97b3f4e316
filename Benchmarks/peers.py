"""The peers of Benchmarks/checks.py, all on loopback: nginx (HTTP and HTTPS with a test
certificate, which also serves as the TCP listener), dnsmasq (DNS), the bare C libcurl loop
compiled from curl-loop.c and the c-ares loop from ares-loop.c, wrk and
prometheus-blackbox-exporter; and the Markdown table of the figures."""
import os
import platform
import re
import shutil
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DNS_NAME = 'bench.test'  # the name dnsmasq answers (127.0.0.1) and the DNS checks ask for


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError('nothing listens on 127.0.0.1:%d' % port)


def which(name):
    return shutil.which(name) or shutil.which(name, path='/usr/sbin:/usr/bin:/sbin:/bin')


def rss_of(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
    return 0


def wrk_rate(wrk, url, connections, seconds):
    """Requests per second of `wrk -H 'Connection: close'`: a new connection (and handshake) each."""
    out = subprocess.run([wrk, '-t1', '-c%d' % connections, '-d%ds' % seconds, '-H', 'Connection: close', url],
                         capture_output=True, text=True, timeout=seconds + 30).stdout
    m = re.search(r'Requests/sec:\s+([\d.]+)', out)
    if not m:
        raise RuntimeError('wrk printed no rate: %s' % out[-300:])
    return float(m.group(1))


class Blackbox:
    """prometheus-blackbox-exporter probing the same peers; /probe driven by wrk at the same concurrency."""

    def __init__(self, work, binary, wrk, ca):
        self.work, self.binary, self.wrk, self.ca = work, binary, wrk, ca
        self.proc = None

    def start(self):
        cfg = os.path.join(self.work, 'blackbox.yml')
        with open(cfg, 'w') as f:
            f.write('modules:\n'
                    '  http:\n    prober: http\n    timeout: 10s\n    http:\n      preferred_ip_protocol: ip4\n'
                    '  tcp:\n    prober: tcp\n    timeout: 10s\n    tcp:\n      preferred_ip_protocol: ip4\n'
                    '  tls:\n    prober: tcp\n    timeout: 10s\n    tcp:\n      preferred_ip_protocol: ip4\n'
                    '      tls: true\n      tls_config:\n        ca_file: %s\n'
                    '  dns:\n    prober: dns\n    timeout: 10s\n    dns:\n      query_name: %s\n      query_type: A\n'
                    '      transport_protocol: udp\n      preferred_ip_protocol: ip4\n' % (self.ca, DNS_NAME))
        self.port = free_port()
        self.proc = subprocess.Popen([self.binary, '--config.file=' + cfg, '--web.listen-address=127.0.0.1:%d' % self.port,
                                      '--log.level=error'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)

    def rate(self, module, target, connections, seconds):
        # wrk keeps its connections to the exporter alive; every probe opens its own to the target.
        url = 'http://127.0.0.1:%d/probe?module=%s&target=%s' % (self.port, module, target)
        out = subprocess.run([self.wrk, '-t1', '-c%d' % connections, '-d%ds' % seconds, url],
                             capture_output=True, text=True, timeout=seconds + 30).stdout
        m = re.search(r'Requests/sec:\s+([\d.]+)', out)
        if not m:
            raise RuntimeError('wrk printed no rate: %s' % out[-300:])
        return float(m.group(1))

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=10)


class Peers:
    def __init__(self, work):
        self.work = work
        self.procs = []
        self.blackbox = None
        self.wrk = which('wrk')

    def start(self):
        w = self.work
        self.ca = os.path.join(w, 'cert.pem')
        key = os.path.join(w, 'key.pem')
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
                        '-keyout', key, '-out', self.ca, '-days', '2', '-subj', '/CN=127.0.0.1',
                        '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], check=True, capture_output=True)
        nginx = which('nginx')
        if not nginx:
            raise RuntimeError('nginx is not installed (Scripts/install-deps --bench)')
        hp, sp = free_port(), free_port()
        conf = os.path.join(w, 'nginx.conf')
        with open(conf, 'w') as f:
            f.write('worker_processes 1;\ndaemon off;\npid %s/nginx.pid;\nerror_log %s/nginx-error.log;\n'
                    'events { worker_connections 8192; }\n'
                    'http {\n  access_log off;\n  keepalive_requests 1000000;\n'
                    '  client_body_temp_path %s; proxy_temp_path %s; fastcgi_temp_path %s; uwsgi_temp_path %s; scgi_temp_path %s;\n'
                    '  server {\n    listen 127.0.0.1:%d backlog=4096;\n    listen 127.0.0.1:%d ssl backlog=4096;\n'
                    '    ssl_certificate %s;\n    ssl_certificate_key %s;\n'
                    '    location / { return 200 "ok\\n"; }\n  }\n}\n' % ((w, w) + (w,) * 5 + (hp, sp, self.ca, key)))
        self.procs.append(subprocess.Popen([nginx, '-c', conf, '-p', w], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_port(hp)
        wait_port(sp)
        self.http_url = 'http://127.0.0.1:%d/' % hp
        self.https_url = 'https://127.0.0.1:%d/' % sp
        self.tcp_addr = '127.0.0.1:%d' % hp
        self.tls_addr = '127.0.0.1:%d' % sp
        self.loop = os.path.join(w, 'curl-loop')
        subprocess.run(['cc', '-O2', '-o', self.loop, os.path.join(HERE, 'curl-loop.c'), '-lcurl'], check=True)
        self.dns_addr = self.ares_loop = None
        dnsmasq = which('dnsmasq')
        if dnsmasq:
            # Answers DNS_NAME from its own config, nothing forwarded, no cache to fill, no log.
            dp = free_port()
            self.procs.append(subprocess.Popen(
                [dnsmasq, '--keep-in-foreground', '--conf-file=/dev/null', '--pid-file=', '--no-resolv', '--no-hosts',
                 '--bind-interfaces', '--listen-address=127.0.0.1', '--port=%d' % dp, '--address=/%s/127.0.0.1' % DNS_NAME],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_port(dp)
            self.dns_addr = '127.0.0.1:%d' % dp
            self.ares_loop = os.path.join(w, 'ares-loop')
            subprocess.run(['cc', '-O2', '-o', self.ares_loop, os.path.join(HERE, 'ares-loop.c'), '-lcares'], check=True)
        bb = which('prometheus-blackbox-exporter') or which('blackbox_exporter')
        if bb and self.wrk:
            self.blackbox = Blackbox(w, bb, self.wrk, self.ca)
            self.blackbox.start()

    def stop(self):
        if self.blackbox:
            self.blackbox.stop()
        for p in self.procs:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def machine():
    cpu = ''
    try:
        with open('/proc/cpuinfo') as f:
            cpu = next((l.split(':', 1)[1].strip() for l in f if l.startswith('model name')), '')
    except OSError:
        pass
    return {'cores': os.cpu_count(), 'cpu': cpu, 'kernel': platform.release(), 'date': time.strftime('%Y-%m-%d', time.gmtime())}


def fmt_rate(r):
    return '%s / %s / %s' % tuple(f'{r[k]:,.0f}' for k in ('min', 'median', 'max'))


def markdown(report):
    out = ['%d cores (%s), %s, %d runs each; rates are checks per second (min / median / max).' % (
        report['machine']['cores'], report['machine']['cpu'], report['machine']['date'], report['runs']), '',
        '| workload | tool | rate | ratio to the C loop | CPU per check | max RSS |', '|---|---|---|---|---|---|']
    for workload, tools in report['figures'].items():
        base = (tools.get('C libcurl loop') or tools.get('C c-ares loop') or {}).get('rate')
        for tool, f in tools.items():
            if 'rate' not in f:
                continue
            r = f['rate']
            ratio = '%.2f' % (r['median'] / base['median']) if r and base else ''
            cpu = '%.0f µs' % f['cpu_per_check_us']['median'] if f.get('cpu_per_check_us') else ''
            rss = '%.1f MB' % (f['max_rss']['median'] / 1e6) if f.get('max_rss') else ''
            note = ' (%s)' % f['note'] if f.get('note') else ''
            out.append('| %s | %s%s | %s | %s | %s | %s |' % (workload, tool, note, fmt_rate(r) if r else '', ratio, cpu, rss))
    for workload, tools in report['figures'].items():
        f = tools.get('checkup', {})
        if 'wall_ms' in f:
            out.append('\n`checkup --help`: %.1f ms median (%.1f–%.1f), %.1f MB max RSS' % (
                f['wall_ms']['median'], f['wall_ms']['min'], f['wall_ms']['max'], f['max_rss']['median'] / 1e6))
        if 'rss_after' in f:
            cpu = f.get('cpu_per_round_s')
            out.append('\n`%s`: RSS %.1f MB after %g min (%.1f MB after the first 5 s, at most %.1f MB); CPU per round %s; stopped in %.2f s' % (
                workload, f['rss_after'] / 1e6, f['minutes'], f['rss_first'] / 1e6, f['rss_max'] / 1e6,
                '%.0f ms' % (cpu * 1000) if cpu is not None else 'n/a', f['stop_s']))
    return '\n'.join(out)
