"""Small HTTP servers on 127.0.0.1 for the tests: canned answers, or a folder of files."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serving(answer: Callable[[str], tuple[int, bytes] | tuple[int, bytes, dict[str, str]]] | None = None, *,
            directory: str | None = None) -> Iterator[str]:
    """`answer(path) -> (status, body[, headers])` for every GET, or the files of `directory`; yields the base
    URL."""

    class Handler(_Quiet):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=directory, **kwargs)

        def do_GET(self):
            if answer is None:
                return super().do_GET()
            status, body, *headers = answer(self.path)
            self.send_response(status)
            for name, value in (headers[0] if headers else {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
