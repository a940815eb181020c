"""A real server for tests: uvicorn running the web app in a thread, on a free port
of 127.0.0.1, configured exactly as `toezegging serve` configures it."""

import http.client
import socket
import threading
import time

import uvicorn

from toezegging.web import WebApp, server_config

# The feeds of the web tests' configs: all, the overdue ones, and a private one.
FEEDS = """
[[feeds]]
name = "alle"
title = "Alle toezeggingen"
[[feeds]]
name = "verlopen"
title = "Verlopen"
status = ["open"]
overdue = true
[[feeds]]
name = "team"
title = "Team"
private = true
"""


class Served:
    """uvicorn running a WebApp in a thread, configured as `serve` configures it;
    `get` makes one real HTTP request."""

    def __init__(self, config, store, clock, today=None):
        self.config, self.store = config, store
        self.app = WebApp(config, store, clock=clock, recheck=0, today=today)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.server = uvicorn.Server(
            server_config(self.app, config, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)

    def get(self, path: str, headers: dict | None = None, method: str = "GET", body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def stop(self):
        self.server.should_exit = True
        self.thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
