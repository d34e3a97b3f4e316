"""Constants, formatting and logging shared by the status page benchmark's modules."""

import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

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


def write_json(path, obj):
    with open(path, 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
