"""A screenshot of `kb serve`'s /match page for docs/matching.md, taken the way
tests/test_browser_match.py uses it: `kb serve` on the project's own KB (Oxigraph workers) on a
free 127.0.0.1 port, Debian's Chromium through Playwright, the form filled with AFIL, the first
suggestion's evidence opened.

    .venv/bin/python docs/screenshots/make_match_screenshot.py

Writes docs/screenshots/match.png (1280 x 900 viewport, scrolled to the suggestions).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from kb.core.processes import free_port, stop_process

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
KB = Path(sys.executable).with_name("kb")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 900}


def main() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [str(KB), "serve", "--port", str(port), "--engine", "oxigraph", "-q"],
            cwd=ROOT,
            env=os.environ | {"KB_ROOT": str(ROOT)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 180
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise SystemExit(log.read().decode(errors="replace"))
                try:
                    if httpx.get(url + "/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("kb serve did not come up within 180 s")
                time.sleep(0.5)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page(viewport=VIEWPORT)
                page.goto(url + "/match")
                page.fill("input#for", "id:organisation/afil")
                page.fill("input#limit", "5")
                page.click("button:text-is('Suggest partners')")
                page.wait_for_selector("table.matches")
                page.locator("tr.suggestion").first.locator("summary").click()
                page.locator("section.matches h2").scroll_into_view_if_needed()
                page.evaluate("window.scrollBy(0, -60)")
                page.screenshot(path=str(HERE / "match.png"))
                rows = page.locator("tr.suggestion td.organisation a").all_inner_texts()
                print(f"suggestions for AFIL: {', '.join(rows)}")
                browser.close()
        finally:
            stop_process(process)
    print(f"wrote {HERE / 'match.png'} ({(HERE / 'match.png').stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
