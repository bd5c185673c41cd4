"""What a visitor's browser downloads for the start page: first visit and repeat visit.

Run from the project folder, like benchmarks/pages.py (PostgreSQL and Redis as there):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kloormokers \\
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python benchmarks/page_weight.py [PATH]

It starts the portal as benchmarks/pages.py does (gunicorn, production settings, whitenoise with
the compressed manifest storage, its own database) and opens the page in Debian's Chromium
(Playwright, a fresh profile). Over plain HTTP Chromium accepts gzip, not brotli, so
whitenoise sends its .gz files; over HTTPS a browser gets the smaller .br files.
Chromium's DevTools protocol reports every response and the bytes that came over the network
(headers and compressed body; 0 for what came from the browser's cache). Then it opens the
page again in the same browser, as a visitor following a link back to it: what whitenoise
marked cacheable (hashed static files: a year, immutable) is not fetched again.

gunicorn sends HTML uncompressed; in production the proxy compresses it (Caddy
`encode zstd gzip`): the HTML's body counts with its gzip size (level 6). A script to run on
purpose, not a test.
"""

import gzip
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.pages import HOST, _free_port, _gunicorn, production_site

BENCH_DATABASE = "kloormokers_bench_weight"
CHROMIUM = "/usr/bin/chromium"


def main(path: str) -> None:
    from playwright.sync_api import sync_playwright

    with production_site(BENCH_DATABASE) as (environment, _password):
        port = _free_port()
        with _gunicorn(1, port, environment), sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
            )
            context = browser.new_context()
            page = context.new_page()
            url = f"http://{HOST}:{port}{path}"
            first = _visit(context, page, url)
            again = _visit(context, page, url)
            browser.close()
    print(f"{path}: what Chromium downloads (bytes on the wire, headers included)")
    print(f"{'resource':<58} {'encoding':>8} {'1st visit':>10} {'repeat':>8}")
    for url_key, (encoding, size) in first.items():
        repeat = again.get(url_key, ("", 0))[1]
        print(f"{_short(url_key):<58} {encoding:>8} {size:>10,} {repeat:>8,}")
    total_first = sum(size for _, size in first.values())
    total_again = sum(size for _, size in again.values())
    print(f"{'total':<58} {'':>8} {total_first:>10,} {total_again:>8,}")
    print(f"({total_first / 1024:.1f} KB first visit, {total_again / 1024:.1f} KB repeat visit)")


def _visit(context, page, url: str) -> dict[str, tuple[str, int]]:
    """Each response of one page view: its encoding and the bytes it took on the network."""
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    responses: dict[str, dict] = {}
    sizes: dict[str, int] = {}

    def received(event):
        response = event["response"]
        headers = {k.lower(): v for k, v in response["headers"].items()}
        responses[event["requestId"]] = {
            "url": response["url"],
            "encoding": headers.get("content-encoding", "-"),
            "document": event["type"] == "Document",
            "headers": len(response.get("headersText", "")) or _header_size(headers),
        }

    session.on("Network.responseReceived", received)
    session.on(
        "Network.loadingFinished",
        lambda event: sizes.__setitem__(event["requestId"], int(event["encodedDataLength"])),
    )
    page.goto(url, wait_until="networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
    result: dict[str, tuple[str, int]] = {}
    for request_id, info in responses.items():
        if info["url"].startswith("data:"):
            continue  # inside a stylesheet already counted
        size = sizes.get(request_id, 0)
        encoding = info["encoding"]
        if info["document"] and encoding == "-" and size:
            # The proxy compresses HTML in production: count the body as gzip would send it.
            body = session.send("Network.getResponseBody", {"requestId": request_id})["body"]
            size = info["headers"] + len(gzip.compress(body.encode(), compresslevel=6))
            encoding = "gzip*"
        # One URL can be asked for twice (the mark as icon and as image): add them up.
        result[info["url"]] = (encoding, result.get(info["url"], ("", 0))[1] + size)
    session.detach()
    return result


def _header_size(headers: dict) -> int:
    return sum(len(k) + len(v) + 4 for k, v in headers.items()) + 17


def _short(url: str) -> str:
    path = url.split(f"{HOST}:", 1)[-1].split("/", 1)[-1]
    return "/" + path if len(path) < 57 else "/…" + path[-55:]


if __name__ == "__main__":
    if not Path(CHROMIUM).exists():
        sys.exit(f"The page weight needs Chromium at {CHROMIUM}: apt-get install chromium")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    main(sys.argv[1] if len(sys.argv) > 1 else "/")
