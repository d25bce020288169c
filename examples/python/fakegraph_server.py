"""Start fakegraph-server for a test, talk to it, stop it. Python 3 standard library only.

    from fakegraph_server import FakegraphServer

    with FakegraphServer("build/fakegraph-server", "--clock", "fixed") as server:
        status, headers, body = server.get("/v1.0/me/chats", token="adele-read")
        server.control("POST", "/reset")

The server binds 127.0.0.1 on a free port (--port 0); the port is read from the line it
prints once it accepts connections: "fakegraph listening on http://127.0.0.1:PORT".
"""

import json
import os
import re
import selectors
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

# Talk to the fake directly, never through a proxy from the environment (http_proxy ...).
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

READY_LINE = re.compile(r"fakegraph listening on (http://127\.0\.0\.1:[0-9]+)")


class FakegraphServer:
    """One fakegraph-server process on a free loopback port.

    extra_args go to the program as given, e.g. "--clock", "fixed" or "--data", "seed.json".
    The request log (stderr) goes to a temporary file, `log_path`, kept until stop().
    """

    def __init__(self, executable, *extra_args, ready_timeout=30.0):
        self.executable = executable
        self.extra_args = list(extra_args)
        self.ready_timeout = ready_timeout
        self.base_url = None
        self.process = None
        self.log_path = None
        self._log = None
        self.failure_log = ""  # the request log of a server that did not exit 0

    # ---- lifetime -------------------------------------------------------------------

    def start(self):
        self._log = tempfile.NamedTemporaryFile(prefix="fakegraph-server.", suffix=".log",
                                                delete=False)
        self.log_path = self._log.name
        command = [self.executable, "--host", "127.0.0.1", "--port", "0"] + self.extra_args
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=self._log)
        try:
            line = self._read_first_line()
            match = READY_LINE.search(line)
            if not match:
                raise RuntimeError("fakegraph-server did not print its ready line; it printed %r"
                                   " (log: %s)" % (line, self._log_text()))
            self.base_url = match.group(1)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        """SIGTERM, then wait for the exit; returns the exit code (0 expected)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()
        if self._log is not None:
            if self.process is not None and self.process.returncode != 0:
                self.failure_log = self._log_text()  # e.g. a sanitizer's report
            self._log.close()
            os.unlink(self.log_path)
            self._log = None
        return None if self.process is None else self.process.returncode

    def stop_cleanly(self):
        """stop(), raising AssertionError with the server's log unless it exited 0."""
        exit_code = self.stop()
        if exit_code != 0:
            raise AssertionError("fakegraph-server exited with %s on SIGTERM; its log:\n%s"
                                 % (exit_code, self.failure_log))

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _read_first_line(self):
        """The first line of stdout, waiting for it at most ready_timeout seconds."""
        deadline = time.monotonic() + self.ready_timeout
        data = b""
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while b"\n" not in data:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError("fakegraph-server printed no ready line within %.0f s"
                                       % self.ready_timeout)
                if not selector.select(timeout=left):
                    continue
                chunk = os.read(self.process.stdout.fileno(), 4096)
                if not chunk:  # the program exited: its stderr says why
                    self.process.wait()
                    raise RuntimeError("fakegraph-server exited with %s before it was ready: %s"
                                       % (self.process.returncode, self._log_text()))
                data += chunk
        return data.split(b"\n", 1)[0].decode("utf-8", "replace")

    def _log_text(self):
        self._log.flush()
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return log.read().strip()

    # ---- requests -------------------------------------------------------------------

    def request(self, method, path_or_url, token=None, body=None, headers=None):
        """Any request: a path ("/v1.0/me/chats") or an absolute URL (an @odata.nextLink).

        Returns (status, headers, parsed JSON body or None). HTTP errors are answers, not
        exceptions: a test checks the status.
        """
        url = path_or_url if "://" in path_or_url else self.base_url + path_or_url
        if not url.startswith(self.base_url + "/"):
            raise ValueError("%s is not on the fake (%s)" % (url, self.base_url))
        all_headers = dict(headers or {})
        if token is not None:
            all_headers["Authorization"] = "Bearer " + token
        data = None if method in ("GET", "HEAD") else b""
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        req = urllib.request.Request(url, data=data, method=method, headers=all_headers)
        try:
            with _OPENER.open(req, timeout=30) as answer:
                return answer.status, answer.headers, _json_or_none(answer.read())
        except urllib.error.HTTPError as answer:
            with answer:
                return answer.code, answer.headers, _json_or_none(answer.read())

    def get(self, path_or_url, token=None, headers=None):
        return self.request("GET", path_or_url, token=token, headers=headers)

    def control(self, method, call, body=None):
        """A control-plane call: control("POST", "/reset"), control("GET", "/clock") ..."""
        return self.request(method, "/_fakegraph" + call, body=body)


def _json_or_none(raw):
    return json.loads(raw.decode("utf-8")) if raw else None
