"""A tiny web site served on 127.0.0.1 by the tests themselves (crawling tests).

``site.pages[path] = (status, content_type, body, headers)``; ``site.requests`` lists the paths
asked for, in order."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # keep test output quiet
        pass

    def do_GET(self):
        site = self.server.site
        site.requests.append(self.path)
        status, content_type, body, headers = site.pages.get(
            self.path, (404, "text/html", "<html><body>Not found</body></html>", {})
        )
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class LocalSite:
    def __init__(self):
        self.pages: dict[str, tuple[int, str, str | bytes, dict]] = {}
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.site = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def page(self, path: str, body: str, *, status: int = 200, content_type: str = "text/html", headers=None):
        self.pages[path] = (status, content_type, body, headers or {})

    def html(self, path: str, title: str, text: str, links=(), *, nav=True):
        anchors = "".join(f'<li><a href="{link}">{link}</a></li>' for link in links)
        navigation = f"<nav><ul>{anchors}</ul><p>Site menu text</p></nav>" if nav else f"<ul>{anchors}</ul>"
        self.page(
            path,
            f"<!DOCTYPE html><html><head><title>{title}</title><script>var tracking = 1;</script></head>"
            f"<body><header>Header banner</header>{navigation}<main><h1>{title}</h1><p>{text}</p></main>"
            "<footer>Copyright footer</footer></body></html>",
        )

    def start(self) -> LocalSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
