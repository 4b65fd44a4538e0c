"""Screenshots of the published site for docs/publishing.md, taken the way
tests/test_browser.py walks it: build the KB, publish it to a temporary folder, serve it on
127.0.0.1 and open it in Debian's Chromium through Playwright.

    .venv/bin/python docs/screenshots/make_screenshots.py

Writes docs/screenshots/home.png and cluster.png (1280 x 900 viewport), network.png and
regions.png (the two pictures, cropped to their SVG), projects.png (the projects list
filtered by a word) and nav-400.png (the home page in a 400 px wide window), and prints
which cluster page was taken and the site's size and build time.
"""

from __future__ import annotations

import functools
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

from kb.build.pipeline import build
from kb.core.config import load_config
from kb.publish.data import page_path
from kb.publish.site import publish

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 900}
# The cluster shown: the organisation of two seeds, as in the profile the seeds describe.
CLUSTER = "id/organisation/afil"


SHOTS = ("home.png", "cluster.png", "network.png", "regions.png", "projects.png", "nav-400.png")
# The word the projects list is filtered by in projects.png
FILTER = "Horizon 2020"


def pictures(browser, url: str) -> None:
    """The network view and the region map (each cropped to its SVG), the filtered projects
    list, and the navigation of a 400 px wide window."""
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(url + "views/network.html")
    page.locator("svg.network").screenshot(path=str(HERE / "network.png"))
    page.goto(url + "views/regions.html")
    page.locator("svg.region-map").screenshot(path=str(HERE / "regions.png"))
    page.goto(url + "class/Project.html")
    page.fill("input.filter", FILTER)
    page.screenshot(path=str(HERE / "projects.png"))
    page.close()
    narrow = browser.new_page(viewport={"width": 400, "height": 700})
    narrow.goto(url)
    narrow.screenshot(path=str(HERE / "nav-400.png"))
    narrow.close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main() -> None:
    config = load_config()
    result = build(config, validate_data=False, run_integrity_checks=False, progress=False)
    with tempfile.TemporaryDirectory() as tmp:
        report = publish(
            result.store,
            config,
            Path(tmp) / "site",
            inferred_graph_iri=result.inferred_graph_iri,
            progress=False,
        )
        print(
            f"site: {report.pages} pages, {report.files} files, {report.bytes / 1e6:.1f} MB, "
            f"published in {report.seconds:.1f} s"
        )
        handler = functools.partial(_Quiet, directory=report.out)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page(viewport=VIEWPORT)
                page.goto(url)
                page.screenshot(path=str(HERE / "home.png"))
                cluster = page_path(config.base_iri + CLUSTER, config.base_iri)
                page.goto(url + cluster + ".html")
                page.screenshot(path=str(HERE / "cluster.png"))
                print(f"cluster page: {cluster}.html ({page.locator('h1').inner_text()})")
                pictures(browser, url)
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    for name in SHOTS:
        print(f"wrote {HERE / name} ({(HERE / name).stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
