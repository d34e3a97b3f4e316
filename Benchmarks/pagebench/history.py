"""Generating the stores: synthetic endpoints, their check files, and the page's views."""

import json
import os
import random

from .common import ERROR_503, NS


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


def rfc3339(ns):
    """Unix nanoseconds as RFC 3339 UTC, whole seconds (as checkup writes them)."""
    import datetime
    return datetime.datetime.fromtimestamp(ns // NS, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def write_views(checks_dir, endpoints, now_ns, group_size=10):
    """Writes the views the page reads beside the summaries, in checkup's formats: an open and a
    resolved incident (summaries/_incidents.json), a window on now and one to come
    (summaries/_maintenance.json), and the components with a group per `group_size` endpoints
    (api/v2/components.json). Returns the page index's copies of them (PageIndex.swift)."""
    hour = 3600 * NS
    incidents = [
        {'id': '20261201-0a01', 'name': 'Slow answers', 'about': [endpoints[0].title], 'impact': 'minor',
         'status': 'identified', 'opened': rfc3339(now_ns - 2 * hour), 'updated': rfc3339(now_ns - hour),
         'resolved': None, 'updates': [{'time': rfc3339(now_ns - 2 * hour), 'status': 'investigating', 'text': 'Looking'},
                                       {'time': rfc3339(now_ns - hour), 'status': 'identified', 'text': 'A bad deploy'}]},
        {'id': '20261120-0b02', 'name': 'Outage', 'about': [endpoints[-1].title], 'impact': 'major',
         'status': 'resolved', 'opened': rfc3339(now_ns - 240 * hour), 'updated': rfc3339(now_ns - 239 * hour),
         'resolved': rfc3339(now_ns - 239 * hour),
         'updates': [{'time': rfc3339(now_ns - 240 * hour), 'status': 'investigating', 'text': 'Down'},
                     {'time': rfc3339(now_ns - 239 * hour), 'status': 'resolved', 'text': 'Back'}]},
    ]
    windows = [
        {'id': '20261202-0c03', 'about': [endpoints[1 % len(endpoints)].title], 'text': 'Database upgrade',
         'from': rfc3339(now_ns - hour), 'until': rfc3339(now_ns + hour), 'created': rfc3339(now_ns - 24 * hour)},
        {'id': '20261202-0d04', 'about': [e.title for e in endpoints[:3]], 'text': 'Network work',
         'from': rfc3339(now_ns + 24 * hour), 'until': rfc3339(now_ns + 26 * hour), 'created': rfc3339(now_ns - 24 * hour)},
    ]
    components, groups = [], {}
    for e in endpoints:
        gid = f'group{e.i // group_size + 1:02d}'
        groups.setdefault(gid, []).append(f'c{e.i + 1:02d}')
        components.append({'id': f'c{e.i + 1:02d}', 'name': e.title, 'status': 'operational', 'group': False,
                           'group_id': gid, 'position': e.i + 1, 'description': None})
    for n, (gid, members) in enumerate(sorted(groups.items())):
        components.append({'id': gid, 'name': f'Group {n + 1}', 'status': 'operational', 'group': True,
                           'group_id': None, 'position': len(endpoints) + n + 1, 'description': None,
                           'components': members})
    views = {'summaries/_incidents.json': {'version': 1, 'incidents': incidents},
             'summaries/_maintenance.json': {'version': 1, 'windows': windows},
             'api/v2/components.json': {'page': {'id': 'checkup', 'name': 'Status'}, 'components': components}}
    for name, doc in views.items():
        path = os.path.join(checks_dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            json.dump(doc, f, separators=(',', ':'))
    kept = ('id', 'name', 'status', 'group', 'components')
    return {'incidents': incidents, 'windows': windows,
            'components': [{k: c[k] for k in kept if k in c} for c in components]}
