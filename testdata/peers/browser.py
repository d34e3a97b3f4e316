#!/usr/bin/env python3
"""Loads a status page in headless Chromium (Debian's chromium + chromedriver, driven by
Selenium) and prints what a visitor sees, as one JSON line on standard output.

Usage: browser.py URL [WIDTH] [--height H] [--dark] [--screenshot PATH] [--wait-refresh]
                   [--zoom Z] [--reduced-motion] [--open-tooltip] [--axe] [--tab-through]

Waits until the page has rendered (html[data-rendered="1"], or left its "Loading" state; at
most 20 s). WIDTH defaults to 390 (a phone, emulated as a mobile device), HEIGHT to 900.
--dark emulates prefers-color-scheme: dark. --screenshot saves a full-page PNG.
--wait-refresh waits (up to 30 s) after the first render until window.checkupStats.loads
increases, collects again, and reports whether the document was reloaded meanwhile.
--signal FILE creates FILE after the first render (so a test can change the store then), and
--wait-until JS waits (up to 30 s) for a JavaScript expression to be true instead of for the
next load; `until_met` says whether it was. --eval JS evaluates an expression (a Promise is
awaited) after the page has rendered and reports its value as `eval`. --locale (e.g. de-DE)
and --timezone (e.g. Asia/Kolkata) emulate the visitor's; `timeline_times` lists the times shown.
--now MS pins the page's clock: Date starts at MS (Unix milliseconds) when the document loads and
runs on from there, so a test can store results at fixed instants and still see them as recent.

Accessibility: --zoom Z makes WIDTH and HEIGHT the window's size in device pixels and zooms the
page to Z (a desktop browser at Z × 100 %: a WIDTH/Z CSS px viewport at device scale Z, not a
phone). --reduced-motion emulates prefers-reduced-motion: reduce. --open-tooltip focuses the
first endpoint's uptime bar (its day cell that takes focus), which opens the day's tooltip;
`tooltip_open` says whether it shows. --axe runs axe-core (the axe.min.js that the
axe-selenium-python package ships) on the page as it is then and reports `axe`: {version,
counts {critical, serious, moderate, minor} (nodes), incomplete [{id, targets}], violations [{id, impact, help,
help_url, nodes [{target, html, summary}]}]}. --tab-through presses Tab from the top of the
page until focus comes back round (at most 400 times) and reports `focus_stops`, one per stop:
{tag, id, cls, text, outline, box_shadow, top, bottom, left, right, viewport_height,
viewport_width, header_bottom (the bottom of any sticky or fixed header over it, else 0),
scroll_width, client_width}. The order is: render, --open-tooltip, --axe, --eval, --tab-through.

Keys: overall, overall_text, endpoints [{endpoint, title, state, uptime {24h, 7d, 30d, 90d},
days, days_total, has_chart, threshold_line, chart_label, places [{origin, name, state, text}]
(the chips of the places it is checked from, shown when the nodes write verdicts; state is
healthy, degraded, down, unknown or stale)}], messages [{text, html, links}], pwned,
scroll_width, errors (minus probe_errors: the expected 404/403 of summaries/index.json, the views and api/v2/components.json
when a store has no summaries), mode, requests, render_ms, loads, verdicts (how many endpoints
show the nodes' verdicts), state_changes, focusable_days, and with
--wait-refresh: refreshed, reloaded, before {loads, requests}, kept_rows and kept_events (rows and
timeline items that are the same DOM elements as before the refresh).
"""
import argparse
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

COLLECT = r"""
const q = (s, r) => Array.from((r || document).querySelectorAll(s));
const text = (e) => e ? e.textContent.trim() : null;
const stats = window.checkupStats || {};
const mark = performance.getEntriesByName('checkup-rendered', 'mark')[0];
const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
return {
  overall: document.getElementById('overall').className,
  overall_text: text(document.getElementById('overall-text')),
  endpoints: q('.endpoint').map((e) => {
    const uptime = {};
    for (const w of ['24h', '7d', '30d', '90d']) uptime[w] = text(e.querySelector('.uptime [data-window="' + w + '"]'));
    const chart = e.querySelector('svg.rtt-chart');
    return {
      endpoint: e.getAttribute('data-endpoint'),
      title: e.getAttribute('data-title'),
      state: text(e.querySelector('.state')),
      uptime: uptime,
      days: q('.day', e).filter(visible).length,
      days_total: q('.day', e).length,
      has_chart: !!chart,
      threshold_line: !!(chart && chart.querySelector('.threshold')),
      chart_label: chart ? chart.getAttribute('aria-label') : null,
      places: q('.places .origin-chip', e).map((c) => ({
        origin: c.getAttribute('data-origin'),
        name: text(c.querySelector('.chip-name')),
        state: c.getAttribute('data-state'),
        text: c.textContent.replace(/\s+/g, ' ').trim(),
      })),
    };
  }),
  messages: q('#timeline .event.message .message-text').map((m) => ({
    text: m.innerText,
    html: m.innerHTML,
    links: q('a', m).map((a) => ({href: a.getAttribute('href') === null ? null : a.href, rel: a.getAttribute('rel')})),
  })),
  pwned: window.pwned === 1,
  scroll_width: document.documentElement.scrollWidth,
  client_width: document.documentElement.clientWidth,
  mode: stats.mode || null,
  requests: performance.getEntriesByType('resource')
    .filter((r) => r.initiatorType === 'fetch' || r.initiatorType === 'xmlhttprequest').length,
  render_ms: mark ? Math.round(mark.startTime) : null,
  loads: stats.loads == null ? null : stats.loads,
  fetches: stats.requests == null ? null : stats.requests,
  verdicts: stats.verdicts == null ? null : stats.verdicts,
  state_changes: q('#timeline li.event.state-change').length,
  timeline_times: q('#timeline time.event-time').map((t) => t.textContent),
  focusable_days: q('.day[tabindex="0"]').length,
  rendered: document.documentElement.dataset.rendered === '1',
};
"""

# Replaces Date before any of the page's scripts run: `new Date()` and Date.now() start at the
# pinned instant and advance in real time; Date(...) with arguments, Date.UTC and parsing are
# unchanged.
PIN_CLOCK = r"""
(function () {
  var Real = Date, offset = %d - Real.now();
  class Pinned extends Real {
    constructor(...args) { if (args.length) super(...args); else super(Real.now() + offset); }
    static now() { return Real.now() + offset; }
  }
  Pinned.UTC = Real.UTC;
  Pinned.parse = Real.parse;
  window.Date = Pinned;
})();
"""


def parse_args(argv):
    p = argparse.ArgumentParser(description="Load a status page in headless Chromium and print what it shows.")
    p.add_argument("url")
    p.add_argument("width", nargs="?", type=int, default=390)
    p.add_argument("--height", type=int, default=900)
    p.add_argument("--dark", action="store_true")
    p.add_argument("--screenshot")
    p.add_argument("--wait-refresh", action="store_true")
    p.add_argument("--signal")
    p.add_argument("--wait-until")
    p.add_argument("--eval")
    p.add_argument("--locale")
    p.add_argument("--timezone")
    p.add_argument("--now", type=int)
    p.add_argument("--zoom", type=float)
    p.add_argument("--reduced-motion", action="store_true")
    p.add_argument("--open-tooltip", action="store_true")
    p.add_argument("--axe", action="store_true")
    p.add_argument("--tab-through", action="store_true")
    return p.parse_args(argv)


def wait_rendered(driver, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        done = driver.execute_script(
            "return document.documentElement.dataset.rendered === '1' || "
            "!document.getElementById('overall').classList.contains('status-loading')")
        if done:
            return True
        time.sleep(0.1)
    return False


def metrics(args, height):
    """The CDP device metrics: a phone below 700 px (a desktop window cannot be made this narrow),
    or with --zoom a desktop window of WIDTH × HEIGHT device pixels zoomed to Z."""
    if args.zoom:
        return {"width": round(args.width / args.zoom), "height": round(height / args.zoom),
                "deviceScaleFactor": args.zoom, "mobile": False}
    return {"width": args.width, "height": height, "deviceScaleFactor": 1, "mobile": args.width < 700}


# Focuses the first uptime bar's focusable day cell (its focusin opens the shared tooltip).
OPEN_TOOLTIP = r"""
const cell = document.querySelector('.uptime-bar .day[tabindex="0"]');
if (!cell) return false;
cell.focus();
const tip = document.getElementById('day-tooltip');
return !!(tip && !tip.hidden && tip.offsetWidth > 0);
"""


def audit(driver):
    """axe-core's audit of the page as it is: every violation with its impact, help text and
    nodes. axe-selenium-python ships axe.min.js; WCAG 2.2's rules need axe-core 4.5 or later."""
    try:
        from axe_selenium_python import Axe
    except ImportError:
        sys.exit("browser.py: --axe needs axe-selenium-python (bash Scripts/install-deps --tests)")
    axe = Axe(driver)
    axe.inject()
    version = driver.execute_script("return window.axe && axe.version")
    if not version or tuple(int(n) for n in version.split(".")[:2]) < (4, 5):
        sys.exit("browser.py: axe-core %s is too old for WCAG 2.2; install axe-selenium-python 3 or later "
                 "(bash Scripts/install-deps --tests)" % version)
    driver.set_script_timeout(120)
    found = axe.run(options=json.dumps({"resultTypes": ["violations"]}))
    counts = {"critical": 0, "serious": 0, "moderate": 0, "minor": 0}
    violations = []
    for v in found["violations"]:
        counts[v.get("impact") or "minor"] = counts.get(v.get("impact") or "minor", 0) + len(v["nodes"])
        violations.append({
            "id": v["id"], "impact": v.get("impact"), "help": v["help"], "help_url": v["helpUrl"],
            "nodes": [{"target": " ".join(str(t) for t in n["target"]), "html": n["html"][:300],
                       "summary": n.get("failureSummary", "")} for n in v["nodes"]],
        })
    # What axe could not decide (e.g. contrast over a gradient) is reported, not judged.
    incomplete = [{"id": v["id"], "targets": [" ".join(str(t) for t in n["target"]) for n in v["nodes"]]}
                  for v in found.get("incomplete", [])]
    return {"version": version, "counts": counts, "incomplete": incomplete, "violations": violations}


# Where focus is and how it shows, read after the focus scroll: the focus indicator (outline and
# box shadow), the element's rect in the viewport, and the bottom of any sticky or fixed bar over
# the top of the viewport that is not the element's own ancestor.
FOCUS_STOP = r"""
const e = document.activeElement;
if (!e || e === document.body || e === document.documentElement) return null;
const cs = getComputedStyle(e), r = e.getBoundingClientRect();
let header = 0;
for (const o of document.querySelectorAll('body *')) {
  const p = getComputedStyle(o).position;
  if ((p !== 'sticky' && p !== 'fixed') || o.contains(e)) continue;
  const b = o.getBoundingClientRect();
  if (b.top <= 1 && b.bottom > 0 && b.left < r.right && b.right > r.left) header = Math.max(header, b.bottom);
}
let clipped = false;
for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
  const s = getComputedStyle(a);
  if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
  const b = a.getBoundingClientRect();
  if (r.top < b.top - 1 || r.bottom > b.bottom + 1) clipped = true;
}
return {
  tag: e.tagName.toLowerCase(), id: e.id || null, cls: typeof e.className === 'string' ? e.className : e.getAttribute('class'),
  text: (e.getAttribute('aria-label') || e.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 80),
  outline: cs.outlineStyle === 'none' ? 'none' : cs.outlineWidth + ' ' + cs.outlineStyle + ' ' + cs.outlineColor,
  box_shadow: cs.boxShadow, top: r.top, bottom: r.bottom, left: r.left, right: r.right, clipped: clipped,
  viewport_height: window.innerHeight, viewport_width: document.documentElement.clientWidth, header_bottom: header,
  scroll_width: document.documentElement.scrollWidth, client_width: document.documentElement.clientWidth,
};
"""


def tab_through(driver):
    """Presses Tab from the top of the page until focus leaves the page or comes back round."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    driver.execute_script("if (document.activeElement) document.activeElement.blur(); window.scrollTo(0, 0);")
    stops = []
    for _ in range(400):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        time.sleep(0.05)
        same = driver.execute_script("var e = document.activeElement; if (!window.__firstStop) { window.__firstStop = e; return false; }"
                                     " return e === window.__firstStop;")
        stop = driver.execute_script(FOCUS_STOP)
        if stop is None or (same and stops):
            break
        stops.append(stop)
    return stops


def main():
    args = parse_args(sys.argv[1:])
    width, height = args.width, args.height
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--window-size=%d,%d" % (max(width, 500), height), "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics(args, height))
        if args.locale:
            driver.execute_cdp_cmd("Emulation.setLocaleOverride", {"locale": args.locale})
        if args.timezone:
            driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": args.timezone})
        if args.now is not None:
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PIN_CLOCK % args.now})
        features = [{"name": "prefers-color-scheme", "value": "dark" if args.dark else "light"}]
        if args.reduced_motion:
            features.append({"name": "prefers-reduced-motion", "value": "reduce"})
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": features})
        driver.get(args.url)
        wait_rendered(driver, 20)
        time.sleep(0.3)
        result = driver.execute_script(COLLECT)
        if args.wait_refresh or args.wait_until:
            driver.execute_script("window.__noReload = 1; document.querySelectorAll('.endpoint, #timeline li')"
                                  ".forEach(function (e) { e.__kept = 1; })")
            before = {"loads": result.get("loads"), "requests": result.get("requests")}
            if args.signal:
                open(args.signal, "w").close()
            deadline = time.time() + 30
            refreshed = False
            until_met = False
            while time.time() < deadline:
                if args.wait_until:
                    if driver.execute_script("try { return !!(" + args.wait_until + "); } catch (e) { return false; }"):
                        until_met = True
                        refreshed = True
                        break
                else:
                    loads = driver.execute_script("return window.checkupStats ? window.checkupStats.loads : null")
                    if loads is None or (before["loads"] is not None and loads > before["loads"]):
                        refreshed = loads is not None
                        break
                time.sleep(0.2)
            result_until = until_met
            time.sleep(0.3)
            reloaded = not driver.execute_script("return window.__noReload === 1")
            if reloaded:
                wait_rendered(driver, 20)
            result = driver.execute_script(COLLECT)
            kept = driver.execute_script(
                "var k = function (s) { var a = document.querySelectorAll(s), n = 0;"
                " a.forEach(function (e) { if (e.__kept) n++; }); return [n, a.length]; };"
                "return {rows: k('.endpoint'), events: k('#timeline li')};")
            result.update({"refreshed": refreshed, "reloaded": reloaded, "before": before, "until_met": result_until,
                           "kept_rows": kept["rows"][0], "kept_events": kept["events"][0]})
        if args.open_tooltip:
            result["tooltip_open"] = driver.execute_script(OPEN_TOOLTIP)
        if args.axe:
            result["axe"] = audit(driver)
        if args.eval:
            # A JavaScript expression that may give a Promise; its value is reported as "eval".
            result["eval"] = driver.execute_async_script(
                "var done = arguments[arguments.length - 1];"
                "Promise.resolve().then(function () { return (" + args.eval + "); })"
                ".then(done, function (e) { done({error: String(e)}); });")
        if args.tab_through:
            result["focus_stops"] = tab_through(driver)
        if args.screenshot:
            full = driver.execute_script("return Math.max(document.documentElement.scrollHeight, %d)" % height)
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics(args, full))
            time.sleep(0.4)
            driver.save_screenshot(args.screenshot)
        # The page probes summaries/index.json first; a store without summaries answers 404 (or
        # S3's 403), which Chromium logs. That probe is expected: reported apart, not as an error.
        severe = [l["message"] for l in driver.get_log("browser") if l["level"] == "SEVERE"]
        probe = [m for m in severe if ("/summaries/index.json" in m or "/summaries/_incidents.json" in m
                                    or "/summaries/_maintenance.json" in m or "/api/v2/components.json" in m) and "Failed to load resource" in m
                 and ("404" in m or "403" in m)]
        result["errors"] = [m for m in severe if m not in probe]
        result["probe_errors"] = probe
        print(json.dumps(result), flush=True)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
