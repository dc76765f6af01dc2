"""A webhook receiver for tests: a tiny threaded http.server on 127.0.0.1 that records each
POST (headers and raw body) and answers as its script says, one step per request, the
last step repeating: a status code, or HANG (hold the request until `release()`: the
sender's timeout fires first)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from webhooks.models import Webhook
from webhooks.services import webhook_save
from webhooks.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_valid

HANG = "hang"


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    def signed_by(self, secret: str) -> bool:
        return signature_valid(secret, self.body, self.headers.get(TIMESTAMP_HEADER, ""),
                               self.headers.get(SIGNATURE_HEADER, ""))


@dataclass
class Receiver:
    script: list = field(default_factory=lambda: [200])
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._released = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                step = receiver._step(Received(dict(self.headers), body))
                if step == HANG:
                    receiver._released.wait(timeout=60)
                    step = 503
                self.send_response(step)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def _step(self, received: Received):
        with self._lock:
            index = len(self.received)
            self.received.append(received)
        return self.script[min(index, len(self.script) - 1)]

    def release(self) -> None:
        self._released.set()

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()

    def delivered_responses(self) -> set[str]:
        """Ids of the responses it received (whatever it answered)."""
        return {r.json["response"]["id"] for r in self.received}


def webhook_for(survey, url: str, **fields) -> Webhook:
    """An active webhook of `survey` to `url`, saved as the admin saves one."""
    return webhook_save(Webhook(survey=survey, url=url, **fields))
