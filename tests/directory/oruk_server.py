"""An ORUK API served from 127.0.0.1 by a thread, for the tests that read feeds over HTTP."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.directory.feeds import example_service, variant


class OrukApiServer:
    """An ORUK API on 127.0.0.1 (3.0, or 1.0 with ``oruk1=True``) serving ``services`` a few a page.

    Tests change what it answers: ``root`` (a dict, a string sent as a web page, or None for 404),
    ``fail`` (path → status always answered), ``flaky`` (path → statuses answered once each, first),
    ``redirects`` (path → where to). ``requests`` lists every path asked for, in order.
    """

    def __init__(self, services: list[dict[str, Any]], *, per_page: int = 3, oruk1: bool = False) -> None:
        self.services = {str(service["id"]): service for service in services}
        self.per_page = per_page
        self.oruk1 = oruk1
        self.root: Any = None if oruk1 else {"version": "HSDS-UK-3.0", "profile": "https://openreferraluk.org"}
        self.taxonomies: list[dict[str, Any]] | None = None if oruk1 else [{"id": "t1", "name": "Needs"}]
        self.fail: dict[str, int] = {}
        self.flaky: dict[str, list[int]] = {}
        self.redirects: dict[str, str] = {}
        self.requests: list[str] = []
        self.user_agents: set[str] = set()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api"

    def __enter__(self) -> OrukApiServer:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                api.requests.append(self.path)
                api.user_agents.add(self.headers.get("User-Agent", ""))
                status, body, headers = api.answer(self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, raw_path: str) -> tuple[int, bytes, dict[str, str]]:
        parts = urlsplit(raw_path)
        path, query = parts.path.rstrip("/") or "/", parse_qs(parts.query)
        if path in self.redirects:
            return 302, b"", {"Location": self.redirects[path]}
        if self.flaky.get(path):
            return self.flaky[path].pop(0), b"{}", {"Content-Type": "application/json"}
        if path in self.fail:
            return self.fail[path], b"{}", {"Content-Type": "application/json"}
        if path == "/api":
            if isinstance(self.root, str):
                return 200, self.root.encode(), {"Content-Type": "text/html"}
            return self._json(self.root)
        if path == "/api/services":
            summaries = [{"id": s["id"], "name": s.get("name")} for s in self.services.values()]
            return self._json(self._page(summaries, query))
        if path.startswith("/api/services/"):
            return self._json(self.services.get(path.removeprefix("/api/services/")))
        if path == "/api/taxonomies" and self.taxonomies is not None:
            return self._json(self._page(self.taxonomies, query))
        return self._json(None)

    def _page(self, items: list[Any], query: dict[str, list[str]]) -> dict[str, Any]:
        size = min(int(query.get("per_page", ["50"])[0]), self.per_page)
        number = int(query.get("page", ["1"])[0])
        pages = max(1, -(-len(items) // size))
        contents = items[(number - 1) * size : number * size]
        if self.oruk1:
            return {"totalElements": len(items), "totalPages": pages, "number": number, "size": size,
                    "first": number == 1, "last": number >= pages, "content": contents}  # fmt: skip
        return {"total_items": len(items), "total_pages": pages, "page_number": number, "size": size,
                "first_page": number == 1, "last_page": number >= pages, "empty": not contents,
                "contents": contents}  # fmt: skip

    @staticmethod
    def _json(data: Any) -> tuple[int, bytes, dict[str, str]]:
        if data is None:
            return 404, b'{"message": "Not found"}', {"Content-Type": "application/json"}
        return 200, json.dumps(data).encode(), {"Content-Type": "application/json"}


def generated_services(count: int) -> list[dict[str, Any]]:
    return [variant(example_service(), number, name=f"Service {number}") for number in range(1, count + 1)]
