"""Serve a folder of feeds, pages and API answers on 127.0.0.1, with `{base}` replaced by the
server's URL. Used by `gaimon demo` for the bundled offline corpus, by the crawl benchmark and
by tests.

Files are served with ETag and Last-Modified and answer conditional requests with 304, as a
well-behaved news site does. An optional `_routes.yaml` in the folder maps requests (by path
and query) to other files or to misbehaviour, so API paging and server faults can be served
from plain files:

    routes:
      - path: /api/Zaak                 # exact path
        query: {"$skip": "250"}         # these query parameters, with these values
        file: api/zaak-page2.json       # serve this file instead
      - path: /feeds/busy.xml
        status: 429                     # answer this status...
        headers: {Retry-After: "1"}
        times: 1                        # ...for the first request only, then serve the file

Other keys: `query_contains` (substrings of the decoded query), `content_type`, `body`,
`delay` (seconds before answering), `reset` (drop the connection with a TCP reset),
`redirect` (to this location, with `redirect_status`, default 302), `truncate` (send only this
many bytes, as a complete response), `dataloss` (announce the whole length, send half, close),
`size` (a body of this many bytes), `validators: false` (no ETag or Last-Modified), `hold: true`
(answer only once `release()` is called, so that a test can act while that request is in flight).
"""

from __future__ import annotations

import hashlib
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml

PLACEHOLDER = b"{base}"
TEXT_SUFFIXES = {".xml", ".html", ".htm", ".json", ".txt", ".rss", ".atom", ".rdf", ".yaml", ""}
CONTENT_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".rdf": "application/rdf+xml",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
    ".gz": "application/gzip",
}


@dataclass
class Served:
    """One request as the server saw it, for tests and benchmarks to count."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    status: int = 0

    @property
    def conditional(self) -> bool:
        return any(h.lower() in ("if-none-match", "if-modified-since") for h in self.headers)


@dataclass
class Route:
    spec: dict[str, Any]
    hits: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def matches(self, path: str, query: str) -> bool:
        if self.spec.get("path") != path:
            return False
        params = dict(parse_qsl(query, keep_blank_values=True))
        wanted = {str(k): str(v) for k, v in (self.spec.get("query") or {}).items()}
        if any(params.get(k) != v for k, v in wanted.items()):
            return False
        contains = self.spec.get("query_contains") or []
        decoded = unquote(query.replace("+", " "))
        if any(
            part not in decoded for part in ([contains] if isinstance(contains, str) else contains)
        ):
            return False
        with self.lock:
            times = self.spec.get("times")
            if times is not None and self.hits >= int(times):
                return False
            self.hits += 1
        return True


class _Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def __init__(self, *args, server_state: CorpusServer, **kwargs):
        self.state = server_state
        super().__init__(*args, **kwargs)

    # One entry point for GET and HEAD.
    def do_GET(self):  # noqa: N802 - http.server's naming
        self._answer(head=False)

    def do_HEAD(self):  # noqa: N802
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        parts = urlsplit(self.path)
        record = Served(self.command, parts.path, parts.query, dict(self.headers.items()))
        self.state.record(record)
        route = self.state.route(parts.path, parts.query)
        spec = route.spec if route else {}
        if spec.get("hold"):
            self.state.released.wait(timeout=120)
        if spec.get("delay"):
            time.sleep(float(spec["delay"]))
        if spec.get("reset"):
            record.status = -1
            self._reset()
            return
        if spec.get("redirect"):
            record.status = int(spec.get("redirect_status", 302))
            self._send(
                record.status,
                b"",
                {"Location": spec["redirect"].replace("{base}", self.state.base)},
                head=head,
            )
            return
        body, content_type, mtime = self._body(parts.path, spec)
        if body is None:
            record.status = 404
            self._send(404, b"not found", {"Content-Type": "text/plain"}, head=head)
            return
        status = int(spec.get("status", 200))
        headers = {"Content-Type": spec.get("content_type", content_type)}
        headers.update({k: str(v) for k, v in (spec.get("headers") or {}).items()})
        if status == 200 and spec.get("validators", True):
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            headers["ETag"] = etag
            headers["Last-Modified"] = formatdate(mtime, usegmt=True)
            if self._not_modified(etag, mtime):
                record.status = 304
                self._send(
                    304, b"", {"ETag": etag, "Last-Modified": headers["Last-Modified"]}, head=True
                )
                return
        record.status = status
        if spec.get("dataloss"):
            self._dataloss(status, body, headers)
            return
        if spec.get("truncate"):
            body = body[: int(spec["truncate"])]
        self._send(status, body, headers, head=head)

    def _body(self, path: str, spec: dict) -> tuple[bytes | None, str, float]:
        if "body" in spec:
            return spec["body"].encode("utf-8"), "text/plain; charset=utf-8", 0.0
        if "size" in spec:
            return b"<rss>" + b" " * int(spec["size"]) + b"</rss>", "application/rss+xml", 0.0
        relative = spec.get("file") or unquote(path).lstrip("/")
        target = (self.state.root / relative).resolve()
        if target.is_dir():
            target = target / "index.html"
        if self.state.root.resolve() not in target.parents or not target.is_file():
            return None, "", 0.0
        data = target.read_bytes()
        if target.suffix in TEXT_SUFFIXES:
            data = data.replace(PLACEHOLDER, self.state.base.encode())
        content_type = CONTENT_TYPES.get(target.suffix) or self.guess_type(str(target))
        return data, content_type, int(target.stat().st_mtime)

    def _not_modified(self, etag: str, mtime: float) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:
            return etag in [m.strip() for m in match.split(",")] or match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return parsedate_to_datetime(since).timestamp() >= int(mtime)
            except (TypeError, ValueError):
                return False
        return False

    def _send(self, status: int, body: bytes, headers: dict[str, str], head: bool = False) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and status != 304:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _dataloss(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, format, *args):  # quiet: the crawl logs what matters
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a reset or a client that hung up is part of the test, not news


class CorpusServer:
    """A threaded HTTP server for a folder; use as a context manager."""

    def __init__(
        self,
        root: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        routes: list[dict[str, Any]] | None = None,
    ):
        self.root = Path(root)
        self.httpd = _QuietServer((host, port), None)
        self.base = f"http://{host}:{self.httpd.server_address[1]}"
        routes_file = self.root / "_routes.yaml"
        if routes is None and routes_file.exists():
            routes = (yaml.safe_load(routes_file.read_text(encoding="utf-8")) or {}).get(
                "routes", []
            )
        self.routes = [Route(spec) for spec in routes or []]
        self.served: list[Served] = []
        self.released = threading.Event()
        self._lock = threading.Lock()
        self.httpd.RequestHandlerClass = partial(
            _Handler, directory=str(self.root), server_state=self
        )
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def route(self, path: str, query: str) -> Route | None:
        return next((r for r in self.routes if r.matches(path, query)), None)

    def record(self, served: Served) -> None:
        with self._lock:
            self.served.append(served)

    def take_log(self) -> list[Served]:
        """Requests served since the last call (and forget them)."""
        with self._lock:
            log, self.served = self.served, []
        return log

    def release(self) -> None:
        """Answer the requests held by `hold` routes, and every later one at once."""
        self.released.set()

    def __enter__(self) -> CorpusServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
        self.httpd.shutdown()
        self.httpd.server_close()
