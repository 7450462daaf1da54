"""Loopback fakes of the outside world: the Census geocoder, the data download servers and
a mail server.

Each answers on 127.0.0.1 with payloads built from the recorded formats in
../shared/reference/fixtures, including the quirks the reference lists.
"""

from __future__ import annotations

import copy
import email
import email.policy
import functools
import json
import re
import socket
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from advocacy import PROJECT_ROOT

SHARED = PROJECT_ROOT.parent / "shared"
CENSUS_FIXTURES = SHARED / "reference" / "fixtures" / "census"
LEGISLATORS_DATA = SHARED / "data" / "congress-legislators"
ZCCD = SHARED / "data" / "zccd" / "zccd.csv"


def _fixture(name: str) -> dict:
    return json.loads((CENSUS_FIXTURES / name).read_text())


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def start(self) -> _Server:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def _record(base: dict, state_fips: str, code: str, congress: int, **extra) -> dict:
    record = copy.deepcopy(base)
    record.update(
        GEOID=f"{state_fips}{code}",
        STATE=state_fips,
        BASENAME=str(int(code)) if code.isdigit() else code,
        NAME=f"Congressional District {int(code)}" if code.isdigit() else code,
        CDSESSN=str(congress),
        **extra,
    )
    return record


class FakeCensus:
    """The geocoder's /geographies/onelineaddress, with the behaviours of the live service."""

    def __init__(self) -> None:
        self.austin_119 = _fixture("oneline_acs2025_119th_austin_tx37.json")
        self.austin_default = _fixture("oneline_current_current_default_layers_austin_120th.json")
        self.dc_119 = _fixture("oneline_acs2025_119th_dc_delegate.json")
        self.wy_119 = _fixture("oneline_acs2025_119th_wy_at_large.json")
        self.nomatch = _fixture("oneline_nomatch_guam.json")
        self.requests: list[dict[str, str]] = []
        self.hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self.server = _Server(("127.0.0.1", 0), self._handler())

    @property
    def url(self) -> str:
        return self.server.url + "/geocoder"

    def start(self) -> FakeCensus:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.hits.clear()

    # -- answers -----------------------------------------------------------------------------

    def _match(self, congress: int, records: list[dict], template: dict | None = None) -> dict:
        """One addressMatches entry holding `records` in the layer of `congress`."""
        match = copy.deepcopy((template or self.austin_119)["result"]["addressMatches"][0])
        match["geographies"] = {f"{congress}th Congressional Districts": records}
        return match

    def _base_record(self) -> dict:
        return self.austin_119["result"]["addressMatches"][0]["geographies"][
            "119th Congressional Districts"
        ][0]

    def _answer(self, address: str, vintage: str, layers: str) -> tuple[int, object]:
        a = address.lower()
        congress = {"ACS2025_Current": 119, "ACS2026_Current": 120}.get(vintage)
        asked = f"{congress}th Congressional Districts" if congress else None
        if congress is None or layers != asked:
            # The live service ignores a layer it lacks and answers with its default layers.
            return 200, self._default(address)
        with self._lock:
            self.hits[a] = self.hits.get(a, 0) + 1
            hits = self.hits[a]
        if "slow" in a:
            time.sleep(3)
        if "broken" in a:
            return 500, "<html><body>Internal Server Error</body></html>"
        if "flaky" in a and hits == 1:
            return 502, "Bad Gateway"
        if "garbage" in a:
            return 200, "<html>Service Unavailable</html>"
        if "bad param" in a:
            return 400, _fixture("error_400_UNVERIFIED_shape.json")
        if "layer error" in a:
            body = copy.deepcopy(self.austin_119)
            body["result"]["addressMatches"][0]["geographies"]["119th Congressional Districts"] = [
                {"status": "Layer query encountered an error: java.lang.RuntimeException"}
            ]
            return 200, body
        if "wrong session" in a:
            return 200, self._with(
                [self._match(congress, [_record(self._base_record(), "48", "37", 120)])]
            )
        if "1100 congress" in a:
            if "," not in a and not re.search(r"[0-9]{5}", a):
                return 200, self.nomatch  # a street alone, without a city or ZIP code
            if congress == 119:
                return 200, self.austin_119
            rec = self.austin_default["result"]["addressMatches"][0]["geographies"][
                "120th Congressional Districts"
            ][0]
            return 200, self._with([self._match(120, [rec])])
        if "1600 pennsylvania" in a:
            if congress == 119:
                return 200, self.dc_119
            rec = self.dc_119["result"]["addressMatches"][0]["geographies"][
                "119th Congressional Districts"
            ][0]
            return 200, self._with(
                [
                    self._match(
                        120,
                        [_record(rec, "11", "98", 120, BASENAME=rec["BASENAME"], NAME=rec["NAME"])],
                    )
                ]
            )
        if "cheyenne" in a:
            return 200, self.wy_119
        if "100 broadway" in a:
            # Two matches (E and W Broadway), both in NY-10.
            ny10 = _record(self._base_record(), "36", "10", congress)
            return 200, self._with([self._match(congress, [ny10]), self._match(congress, [ny10])])
        if "split street" in a:
            return 200, self._with(
                [
                    self._match(congress, [_record(self._base_record(), "48", "21", congress)]),
                    self._match(congress, [_record(self._base_record(), "48", "35", congress)]),
                ]
            )
        if "vacant" in a:
            return 200, self._with(
                [self._match(congress, [_record(self._base_record(), "48", "23", congress)])]
            )
        if "san juan" in a:
            pr = _record(self._base_record(), "72", "98", congress)
            pr.update(BASENAME="Resident Commissioner District (at Large)", LSADC="C3")
            return 200, self._with([self._match(congress, [pr])])
        if "lake" in a:
            water = _record(self._base_record(), "26", "ZZ", congress)
            return 200, self._with([self._match(congress, [water])])
        # Guam, and anything else: the service finds no address.
        body = copy.deepcopy(self.nomatch)
        body["result"]["input"]["address"]["address"] = address
        return 200, body

    def _with(self, matches: list[dict]) -> dict:
        body = copy.deepcopy(self.austin_119)
        body["result"]["addressMatches"] = matches
        return body

    def _default(self, address: str) -> dict:
        body = copy.deepcopy(self.austin_default)
        body["result"]["input"]["address"]["address"] = address
        return body

    def _handler(self):
        fake = self

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                parsed = urlparse(self.path)
                params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                with fake._lock:
                    fake.requests.append(params)
                if parsed.path != "/geocoder/geographies/onelineaddress":
                    return self._send(404, {"errors": ["Not found"], "status": "404"})
                if "drip" in params.get("address", "").lower():
                    return self._drip()
                status, body = fake._answer(
                    params.get("address", ""),
                    params.get("vintage", "Current_Current"),
                    params.get("layers", ""),
                )
                self._send(status, body)

            def _drip(self) -> None:
                """Headers at once, then a byte every 0.2 s: no socket timeout ever trips."""
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                try:
                    for _ in range(100):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(0.2)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _send(self, status: int, body: object) -> None:
                raw = (json.dumps(body) if not isinstance(body, str) else body).encode()
                self.send_response(status)
                self.send_header(
                    "Content-Type", "application/json" if not isinstance(body, str) else "text/html"
                )
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                try:
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


def file_server(folder: Path) -> _Server:
    """A static HTTP server over `folder` (like GitHub Pages over the data files)."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    return _Server(("127.0.0.1", 0), handler).start()


class MailBox:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it is sent."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[email.message.EmailMessage] = []
        self._lock = threading.Lock()
        box = self

        class Keep:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
                with box._lock:
                    box.messages.append(parsed)
                return "250 OK"

        with socket.create_server(("127.0.0.1", 0)) as free:  # aiosmtpd can't take port 0
            self.port = free.getsockname()[1]
        self.controller = Controller(Keep(), hostname="127.0.0.1", port=self.port)

    def start(self) -> MailBox:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]

    def link(self, address: str) -> str:
        """The link in the last message to `address`, as a path."""
        body = self.to(address)[-1].get_content()
        return urlparse(re.search(r"https?://\S+", body).group()).path
