#!/usr/bin/env python3
"""Reads checkup's feeds and calendar with real parsers and prints what they hold, as JSON.

Usage: feeds.py URL_OR_FILE...   (a .ics is read with icalendar, a .json is checked against the
JSON Feed 1.1 specification's required members here (feedparser 6.0 reads no JSON Feed),
anything else is read with feedparser)

For a feed: {"kind": "feed", "version": feedparser's name (atom10, rss20, json11), "bozo":
whether the parser found it malformed, "bozo_exception", "title", "entries": [{"id", "title",
"updated" (RFC 3339 UTC), "text"}]}. For a calendar: {"kind": "calendar", "events": [{"uid",
"start", "end" (RFC 3339 UTC), "summary", "status", "description", "sequence"}]}."""
import calendar
import json
import sys
import urllib.request

import feedparser
import icalendar


def read(source):
    if source.startswith("http://"):
        with urllib.request.urlopen(source, timeout=10) as r:
            return r.read(), r.headers.get("Content-Type", "")
    with open(source, "rb") as f:
        return f.read(), ""


def rfc3339(struct):
    return None if struct is None else __import__("datetime").datetime.fromtimestamp(
        calendar.timegm(struct), __import__("datetime").timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def feed(data, content_type):
    f = feedparser.parse(data)
    return {
        "kind": "feed", "content_type": content_type, "version": f.version, "bozo": bool(f.bozo),
        "bozo_exception": str(f.get("bozo_exception", "")), "title": f.feed.get("title"),
        "entries": [{"id": e.get("id"), "title": e.get("title"), "updated": rfc3339(e.get("updated_parsed")),
                     "text": e.get("summary") or (e.get("content") or [{}])[0].get("value")} for e in f.entries],
    }


def json_feed(data, content_type):
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1): what a reader needs, or bozo with why."""
    import datetime
    problems = []
    doc = json.loads(data)
    if doc.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version")
    if not isinstance(doc.get("title"), str):
        problems.append("title")
    entries = []
    for i, item in enumerate(doc.get("items") if isinstance(doc.get("items"), list) else []):
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"items[{i}].id")
        if not isinstance(item.get("content_text"), str) and not isinstance(item.get("content_html"), str):
            problems.append(f"items[{i}].content")
        for key in ("date_published", "date_modified"):
            try:
                datetime.datetime.fromisoformat(item[key].replace("Z", "+00:00"))
            except Exception:
                problems.append(f"items[{i}].{key}")
        modified = item.get("date_modified", "")
        entries.append({"id": item.get("id"), "title": item.get("title"), "text": item.get("content_text"),
                        "updated": modified.split(".")[0].rstrip("Z") + "Z" if modified else None})
    if not isinstance(doc.get("items"), list):
        problems.append("items")
    return {"kind": "feed", "content_type": content_type, "version": "json11" if not problems else "",
            "bozo": bool(problems), "bozo_exception": ", ".join(problems), "title": doc.get("title"), "entries": entries}


def ics(data, content_type):
    cal = icalendar.Calendar.from_ical(data)
    events = []
    for ev in cal.walk("VEVENT"):
        events.append({
            "uid": str(ev.get("UID")), "summary": str(ev.get("SUMMARY")), "status": str(ev.get("STATUS")),
            "description": str(ev.get("DESCRIPTION")) if ev.get("DESCRIPTION") is not None else None,
            "start": ev.decoded("DTSTART").strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": ev.decoded("DTEND").strftime("%Y-%m-%dT%H:%M:%SZ"), "sequence": int(ev.get("SEQUENCE", 0)),
        })
    return {"kind": "calendar", "content_type": content_type, "prodid": str(cal.get("PRODID")), "events": events}


out = []
for source in sys.argv[1:]:
    data, content_type = read(source)
    if source.endswith(".ics"):
        out.append(ics(data, content_type))
    elif source.endswith(".json"):
        out.append(json_feed(data, content_type))
    else:
        out.append(feed(data, content_type))
print(json.dumps(out))
