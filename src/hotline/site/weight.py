"""How heavy a published page is for a reader on a phone: bytes and requests of a first visit, and
the time to load it on a slow 4G connection, measured in Chromium with the network throttled.

Used by the benchmark (which prints the figures) and by the browser tests (which hold the targets).
The site is served as plain files, without compression: the figures are the worst case.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from dataclasses import dataclass
from pathlib import Path

# The slow 4G profile: 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip.
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
TARGETS = {"home_kb": 500, "home_requests": 15, "quarter_kb": 700, "load_s": 4.0}


@dataclass(frozen=True)
class Weight:
    page: str
    kilobytes: float
    requests: int
    load_seconds: float
    urls: tuple[str, ...]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def measure(site: Path, pages: list[str], browser) -> list[Weight]:
    """First visits (empty cache) of ``pages`` of the site at ``site``, in ``browser`` (Playwright)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    found = []
    try:
        for path in pages:
            context = browser.new_context(
                viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, device_scale_factor=2
            )
            page = context.new_page()
            client = context.new_cdp_session(page)
            client.send("Network.enable")
            client.send("Network.setCacheDisabled", {"cacheDisabled": True})
            client.send("Network.emulateNetworkConditions", SLOW_4G)
            sizes: dict[str, float] = {}
            urls: dict[str, str] = {}

            def sent(event, urls=urls):
                urls[event["requestId"]] = event["request"]["url"]

            def finished(event, sizes=sizes):
                sizes[event["requestId"]] = event["encodedDataLength"]

            client.on("Network.requestWillBeSent", sent)
            client.on("Network.loadingFinished", finished)
            started = time.monotonic()
            page.goto(base + path, wait_until="load")
            seconds = time.monotonic() - started
            page.wait_for_timeout(300)  # late requests (lazy images scrolled into view, if any)
            found.append(
                Weight(
                    path,
                    sum(sizes.values()) / 1024,
                    len(urls),
                    seconds,
                    tuple(sorted(u.removeprefix(base) for u in urls.values())),
                )
            )
            context.close()
    finally:
        server.shutdown()
    return found
