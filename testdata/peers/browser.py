#!/usr/bin/env python3
"""Loads a status page in headless Chromium (Debian's chromium + chromedriver, driven by
Selenium) and prints what a visitor sees, as one JSON line.

Usage: browser.py URL [WIDTH]. Waits until the page has left its "Loading" state (at most 20 s).
"""
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def main():
    url = sys.argv[1]
    width = int(sys.argv[2]) if len(sys.argv) > 2 else 390
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=%d,900" % width, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        # A phone-sized viewport (a desktop window cannot be made this narrow).
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": True})
        driver.get(url)
        deadline = time.time() + 20
        overall = ""
        while time.time() < deadline:
            overall = driver.find_element(By.ID, "overall").get_attribute("class")
            if "status-loading" not in overall:
                break
            time.sleep(0.1)
        time.sleep(0.3)
        messages = [{
            "text": m.text,
            "html": m.get_attribute("innerHTML"),
            "links": [{"href": a.get_attribute("href"), "rel": a.get_attribute("rel")} for a in m.find_elements(By.TAG_NAME, "a")],
        } for m in driver.find_elements(By.CSS_SELECTOR, "#timeline .event.message .message-text")]
        result = {
            "overall": overall,
            "overall_text": driver.find_element(By.ID, "overall-text").text,
            "endpoints": [{"endpoint": e.get_attribute("data-endpoint"), "state": e.find_element(By.CSS_SELECTOR, ".state").text}
                          for e in driver.find_elements(By.CSS_SELECTOR, ".endpoint")],
            "messages": messages,
            "pwned": driver.execute_script("return window.pwned === 1"),
            "scroll_width": driver.execute_script("return document.documentElement.scrollWidth"),
            "errors": [l["message"] for l in driver.get_log("browser") if l["level"] == "SEVERE"],
        }
        print(json.dumps(result), flush=True)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
