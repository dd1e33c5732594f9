"""Serve a folder of feeds and pages on 127.0.0.1, with `{base}` replaced by the server's URL.

Used by `gaimon demo` for the bundled offline corpus, and by tests.
"""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PLACEHOLDER = b"{base}"
TEXT_SUFFIXES = {".xml", ".html", ".htm", ".json", ".txt", ".rss", ".atom", ".rdf", ".yaml"}


class _Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args, base: str, **kwargs):
        self.base = base.encode()
        super().__init__(*args, **kwargs)

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            return super().send_head()
        body = path.read_bytes().replace(PLACEHOLDER, self.base)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        from io import BytesIO
        return BytesIO(body)

    def log_message(self, format, *args):  # quiet: the crawl logs what matters
        pass


class CorpusServer:
    """A threaded HTTP server for a folder; use as a context manager."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0):
        self.root = Path(root)
        self.httpd = ThreadingHTTPServer((host, port), None)
        self.base = f"http://{host}:{self.httpd.server_address[1]}"
        self.httpd.RequestHandlerClass = partial(_Handler, directory=str(self.root), base=self.base)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> CorpusServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
