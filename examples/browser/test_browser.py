"""A real browser calls fakegraph-server from another origin (CORS), headless Chromium.

    python3 examples/browser/test_browser.py --server build/fakegraph-server
    ctest --test-dir build -R example.browser --output-on-failure

It starts the fake and, on a second loopback port (so another origin), a static server for
chats.html. Headless Chromium opens the page; its JavaScript lists Adele's chats with
fetch() and an Authorization header (so the browser sends a CORS preflight first) and
writes the topics into the page. Chromium prints the rendered DOM (--dump-dom) and this
script checks the topics are there, and that the fake's journal saw the page's Origin.

Chromium (Debian: chromium) is found on PATH or given as CHROMIUM=path. Without it the
script exits 77, which CTest reports as skipped; with CI=true a missing Chromium fails.
Chromium reaches nothing beyond 127.0.0.1: every other host name resolves to nothing.
"""

import functools
import html.parser
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
from fakegraph_server import FakegraphServer  # noqa: E402  (examples/python)

SKIPPED = 77  # CTest's SKIP_RETURN_CODE for this test

SERVER_EXECUTABLE = os.environ.get("FAKEGRAPH_SERVER")
CHROMIUM = None

# Adele's chats in the default world, newest first (data/README.md); oneOnOne chats have no
# topic and the page shows their type instead.
ADELES_CHATS = [
    "Offsite planning",
    "(oneOnOne, no topic)",
    "Q4 planning review",
    "(oneOnOne, no topic)",
    "Launch",
    "All hands",
    "(oneOnOne, no topic)",
]


def chromium_command(url, profile_dir):
    """Headless Chromium printing the DOM of url once the page is idle."""
    return [
        CHROMIUM,
        "--headless",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        # Nothing beyond loopback: no updates, sync, first-run pages or proxies, and no
        # host name resolves except 127.0.0.1.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-domain-reliability",
        "--no-first-run",
        "--no-proxy-server",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--user-data-dir=" + profile_dir,
        "--virtual-time-budget=10000",
        "--dump-dom",
        url,
    ]


class RenderedPage(html.parser.HTMLParser):
    """The texts of #status and of every li.chat in a dumped DOM."""

    def __init__(self, dom):
        super().__init__()
        self.status = None
        self.chats = []
        self._in = None
        self.feed(dom)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == "status":
            self._in, self.status = "status", ""
        elif tag == "li" and attrs.get("class") == "chat":
            self._in = "chat"
            self.chats.append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "status":
            self.status += data
        elif self._in == "chat":
            self.chats[-1] += data


class StaticSite:
    """This folder over HTTP on a free loopback port: the page's origin."""

    def __init__(self):
        handler = functools.partial(QuietHandler, directory=HERE)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class BrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = FakegraphServer(SERVER_EXECUTABLE, "--clock", "fixed").start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop_cleanly()

    def setUp(self):
        self.assertEqual(self.server.control("POST", "/reset")[0], 204)

    def render(self, site):
        """Chromium's DOM of chats.html, pointed at the fake."""
        url = "%s/chats.html?graph=%s" % (site.origin,
                                          urllib.parse.quote(self.server.base_url, safe=""))
        with tempfile.TemporaryDirectory(prefix="fakegraph-chromium.") as profile:
            run = subprocess.run(chromium_command(url, profile), stdin=subprocess.DEVNULL,
                                 capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, "chromium failed:\n" + run.stderr)
        page = RenderedPage(run.stdout)
        self.assertIsNotNone(page.status, "no #status in the DOM Chromium printed:\n%s\n%s"
                             % (run.stdout, run.stderr))
        return page, run

    def test_a_page_from_another_origin_lists_adeles_chats(self):
        with StaticSite() as site:
            self.assertNotEqual(site.origin, self.server.base_url)
            page, run = self.render(site)

        self.assertEqual(page.status, "done: 7 chats", run.stdout)
        self.assertEqual(page.chats, ADELES_CHATS)

        # The fake saw the browser's cross-origin requests: four pages, each with Origin.
        _, _, journal = self.server.control("GET", "/journal?endpoint=listChats")
        origins = [{name.lower(): value for name, value in e["requestHeaders"].items()}
                   .get("origin") for e in journal["value"]]
        self.assertEqual(origins, [site.origin] * 4)
        self.assertEqual([e["status"] for e in journal["value"]], [200] * 4)

    def test_the_page_shows_graphs_error_status(self):
        # A throttled first page: the page reads the status and the exposed request-id.
        self.server.control("POST", "/faults", {"route": "listChats", "nth": 1, "status": 429,
                                                "retryAfter": 1})
        with StaticSite() as site:
            page, run = self.render(site)
        self.assertRegex(page.status, r"^error: 429 \(request-id [0-9a-f-]{36}\)$", run.stdout)
        self.assertEqual(page.chats, [])


def find_chromium():
    given = os.environ.get("CHROMIUM")
    if given:
        return given if os.access(given, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def main(argv):
    """--server PATH (else $FAKEGRAPH_SERVER); every other argument goes to unittest."""
    global SERVER_EXECUTABLE, CHROMIUM
    args = list(argv)
    if "--server" in args:
        at = args.index("--server")
        if at + 1 >= len(args):
            sys.exit("--server needs the path of fakegraph-server")
        SERVER_EXECUTABLE = args[at + 1]
        del args[at:at + 2]
    if not SERVER_EXECUTABLE or not os.access(SERVER_EXECUTABLE, os.X_OK):
        sys.exit("give the fakegraph-server program: FAKEGRAPH_SERVER=path or --server path")
    CHROMIUM = find_chromium()
    if CHROMIUM is None:
        message = "Chromium not found (Debian: apt-get install chromium; or CHROMIUM=path)"
        if os.environ.get("CI") == "true":
            sys.exit("FAILED: " + message + "; CI=true, so this is a failure, not a skip")
        print("SKIPPED: " + message)
        sys.exit(SKIPPED)
    unittest.main(argv=args, verbosity=2)


if __name__ == "__main__":
    main(sys.argv)
