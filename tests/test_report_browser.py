"""The HTML report in a real headless Chromium (Debian's package), driven over the DevTools protocol.

Opens the report of the seed article, checks that the edits are shown, clicks the
review controls with real mouse events, saves the review file through the
browser's download and checks its content. Skipped only when no Chromium binary
can be found (CI installs it in ``.ci/run``). ``RETRANS_SCREENSHOT=path.png``
also saves a screenshot (used for ``docs/report.png``).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from retrans.evaluate import read_edit_log
from retrans.report import write_report

websocket = pytest.importorskip("websocket", reason="websocket-client is a test dependency")

CHROMIUM = next((p for p in (os.environ.get("CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"),
                             shutil.which("google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium binary found (apt-get install chromium)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--remote-allow-origins=*",
         "--remote-debugging-port=0"]


class Browser:
    """A minimal Chrome DevTools Protocol client: one browser, one page."""

    def __init__(self, profile: Path) -> None:
        self.proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and len(port_file.read_text().split("\n")) >= 2):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("Chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port, path = port_file.read_text().split("\n")[:2]
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=30, suppress_origin=True)
        self._id = 0
        self.session: str | None = None

    def send(self, method: str, params: dict | None = None, session: bool = True) -> dict:
        self._id += 1
        msg: dict = {"id": self._id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def open(self, url: str, downloads: Path) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        self.send("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)},
                  session=False)
        self.send("Emulation.setDeviceMetricsOverride", {"width": 1360, "height": 1000, "deviceScaleFactor": 1,
                                                         "mobile": False})
        self.send("Page.navigate", {"url": url})
        self.wait_for("document.readyState === 'complete' && !!window.retransReview")

    def eval(self, expr: str):
        res = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True})
        if "exceptionDetails" in res:
            raise RuntimeError(f"{expr}: {res['exceptionDetails']}")
        return res["result"].get("value")

    def wait_for(self, expr: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not self.eval(expr):
            if time.monotonic() > deadline:
                raise TimeoutError(expr)
            time.sleep(0.05)

    def click(self, selector: str) -> None:
        """A real mouse click at the centre of the element (scrolled into view)."""
        box = self.eval(f"(()=>{{const el=document.querySelector({json.dumps(selector)});"
                        "el.scrollIntoView({block:'center'});const r=el.getBoundingClientRect();"
                        "return [r.x+r.width/2, r.y+r.height/2];})()")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1], "button": "left",
                                                   "clickCount": 1})

    def screenshot(self, path: Path) -> None:
        self.eval("window.scrollTo(0, 0)")
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            if getattr(self, "ws", None):
                self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
def browser(tmp_path):
    b = Browser(tmp_path / "profile")
    yield b
    b.close()


def test_report_shows_edits_and_saves_review(seed_result, tmp_path, browser):
    from retrans.records import RunSignature
    from tests.conftest import SEED

    text = SEED.read_text(encoding="utf-8")
    page = tmp_path / "report.html"
    write_report(page, [(SEED.name, text, seed_result)], RunSignature("0.1.0", "abc", "lm:gemma3-270m", "en", "0/1"),
                 metrics={"BLEU": (96.4, 99.4), "chrF": (98.2, 99.7), "TER": (2.2, 0.4)})
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.open(page.as_uri(), downloads)

    applied = [e for e in seed_result.edits if e.applied]
    suggestions = [e for e in seed_result.edits if not e.applied]
    assert browser.eval("document.querySelectorAll('ins.m').length") == len(applied)
    shown = browser.eval("[...document.querySelectorAll('ins.m')].map(e => e.textContent)")
    assert "Volodymyr Zelensky" in shown and "Mark Rutte" in shown
    assert browser.eval("document.querySelectorAll('table.edits tbody tr').length") == len(seed_result.edits)
    assert browser.eval("document.querySelectorAll('svg').length") == 3
    tip = browser.eval("document.querySelector('ins.m').title")
    assert "score" in tip and "runner-up" in tip
    # unchanged lines are hidden until the toggle is cleared
    assert browser.eval("getComputedStyle(document.querySelector('tr.plain')).display") == "none"
    browser.click("#only-changed")
    assert browser.eval("getComputedStyle(document.querySelector('tr.plain')).display") != "none"

    first_applied = seed_result.edits.index(applied[0])
    first_sugg = seed_result.edits.index(suggestions[0])
    browser.click(f"input[name='r{first_applied}'][value='rejected']")
    browser.click(f"input[name='r{first_sugg}'][value='accepted']")
    assert browser.eval("document.getElementById('progress').textContent").startswith("2 of")
    if os.environ.get("RETRANS_SCREENSHOT"):
        browser.click("#only-changed")
        browser.screenshot(Path(os.environ["RETRANS_SCREENSHOT"]))
    browser.click("#save")
    saved = downloads / "review.jsonl"
    deadline = time.monotonic() + 15
    while not saved.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert saved.exists(), "the Save button did not produce review.jsonl"
    rows = [json.loads(line) for line in saved.read_text(encoding="utf-8").splitlines()]
    assert [r["review"] for r in rows] == ["rejected", "accepted"]
    assert rows[0]["original"] == applied[0].original and rows[0]["applied"] is True
    assert rows[1]["replacement"] == suggestions[0].replacement and rows[1]["applied"] is False
    # each row is an edit-log object plus "review": it reads back as an edit
    edits = read_edit_log(saved, extra=("review",))
    assert edits[0] == applied[0] and edits[1] == suggestions[0]

    browser.click("#accept-applied")
    reviewed = browser.eval("window.retransReview()").splitlines()
    assert len(reviewed) == len(applied) + 1  # the rejected one stays rejected
    assert sum(json.loads(r)["review"] == "rejected" for r in reviewed) == 1
