#!/usr/bin/env python3
"""The compliance report in a real browser.

Builds the scenario (scenario.sh) with the built mgov, writes the report
(HTML and, from the same run, JSON), then has headless Chromium
  1. dump the DOM: every model's page, a fleet row per deployment, a drift
     chart circle per drift check, no <script>, no external resource;
  2. take a screenshot: a PNG that is not blank (decoded here by hand:
     python3-pil is not a dependency);
  3. print to PDF: a %PDF file of sensible size with a page per model.
Fails, never skips, when chromium is missing (scripts/install-deps.sh --test).

Usage: browser_test.py MGOV [--save-screenshot PNG [--crop-height N]]
"""
import html.parser
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 120


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    fail("chromium is not installed (scripts/install-deps.sh --test installs it)")


def chromium(browser, profile, *args):
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu",
               "--user-data-dir=" + profile, "--no-first-run", "--hide-scrollbars", *args]
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        fail("chromium timed out: " + " ".join(command))
    return done


class Dom(html.parser.HTMLParser):
    """Collects what the checks need from the dumped DOM."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = {}
        self.circles = {}         # model id -> drift-point circles in its section
        self.fleet_rows = []      # (data-model, data-environment, data-compliant)
        self.headings = []
        self.external = []        # src/href attributes
        self._model = None
        self._heading = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for key in ("src", "href"):
            if key in a:
                self.external.append((tag, a[key]))
        classes = (a.get("class") or "").split()
        if tag == "section" and "model" in classes:
            self._model = a.get("data-model")
            self.circles.setdefault(self._model, 0)
        if tag == "circle" and "drift-point" in classes:
            check(self._model is not None, "a drift point outside a model's section")
            check("data-score" in a, "a drift point without data-score")
            self.circles[self._model] += 1
        if tag == "tr" and "data-compliant" in a:
            self.fleet_rows.append((a.get("data-model"), a.get("data-environment"),
                                    a.get("data-compliant")))
        if tag == "h2":
            self._heading = ""

    def handle_data(self, data):
        if self._heading is not None:
            self._heading += data

    def handle_endtag(self, tag):
        if tag == "h2" and self._heading is not None:
            self.headings.append(self._heading.strip())
            self._heading = None


def decode_png(data):
    """(width, height, channels, rows of bytes) of an 8-bit RGB/RGBA PNG."""
    check(data.startswith(b"\x89PNG\r\n\x1a\n"), "the screenshot is not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    check(depth == 8 and colour in (2, 6) and interlace == 0,
          "unexpected PNG format: depth %d colour type %d" % (depth, colour))
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def encode_png(width, rows, channels):
    """An RGB PNG of `rows` (filter 0 each row), for the docs screenshot."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + bytes(row[i] for i in range(len(row)) if i % channels < 3)
                   if channels == 4 else b"\x00" + row for row in rows)
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, len(rows), 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    args = sys.argv[1:]
    check(len(args) >= 1, "usage: browser_test.py MGOV [--save-screenshot PNG [--crop-height N]]")
    mgov = os.path.abspath(args[0])
    save = args[args.index("--save-screenshot") + 1] if "--save-screenshot" in args else None
    crop = int(args[args.index("--crop-height") + 1]) if "--crop-height" in args else 0
    browser = find_chromium()
    work = tempfile.mkdtemp(prefix="mgov-report-")
    try:
        fleet = os.path.join(work, "fleet")
        scenario = subprocess.run(["sh", os.path.join(HERE, "scenario.sh"), mgov, fleet],
                                  capture_output=True, text=True, timeout=600, check=False)
        check(scenario.returncode == 0, "the scenario failed:\n" + scenario.stderr)
        env = dict(os.environ, MGOV_HOME=os.path.join(fleet, "home"))
        for name in ("MGOV_STORE", "MGOV_LEDGER_KEY", "MGOV_TRUST"):
            env.pop(name, None)
        page = os.path.join(work, "report.html")
        report = subprocess.run([mgov, "report", "--html", page, "--format", "json"], cwd=fleet,
                                env=env, capture_output=True, text=True, timeout=300, check=False)
        check(report.returncode == 0, "mgov report exited %d: %s" % (report.returncode,
                                                                     report.stderr))
        data = json.loads(report.stdout)
        profile = os.path.join(work, "profile")
        url = "file://" + page

        # 1. The DOM as Chromium built it.
        dumped = chromium(browser, profile, "--dump-dom", url)
        check(dumped.returncode == 0, "chromium --dump-dom failed: %s" % dumped.stderr[-2000:])
        dom = Dom()
        dom.feed(dumped.stdout.decode("utf-8"))
        check(dom.tags.get("script", 0) == 0, "the DOM has a <script> element")
        check(dom.tags.get("link", 0) == 0 and dom.tags.get("img", 0) == 0,
              "the DOM loads an external resource")
        check(not dom.external, "src/href attributes: %r" % dom.external)
        models = [m["model_id"] for m in data["models"]]
        check(len(models) == 3, "expected 3 models, got %r" % models)
        for m in data["models"]:
            check("Model " + m["model_id"] in dom.headings,
                  "no page for model %r in %r" % (m["model_id"], dom.headings))
            want = len(m["drift"]["points"])
            check(dom.circles.get(m["model_id"]) == want,
                  "model %r: %r chart points, %d drift checks" %
                  (m["model_id"], dom.circles.get(m["model_id"]), want))
        check(dom.circles.get("fraud") == 3, "fraud has 3 drift checks")
        # The release record and the decision stack's components, escaped.
        page = dumped.stdout.decode("utf-8")
        for text in ("risk-ml@example.com", "android_sdk_2.2.0",
                     "Retrained with merchant features &lt;v3&gt; &amp; new labels."):
            check(text in page, "the release record lacks %r" % text)
        expected_rows = [(f["model_id"], f["environment"], "true" if f["compliant"] else "false")
                         for f in data["fleet"]]
        check(dom.fleet_rows == expected_rows,
              "fleet rows %r, expected %r" % (dom.fleet_rows, expected_rows))
        print("DOM: %d models, %d fleet rows, %d drift points" %
              (len(models), len(dom.fleet_rows), sum(dom.circles.values())))

        # 2. A screenshot that shows something.
        shot = os.path.join(work, "report.png")
        taken = chromium(browser, profile, "--screenshot=" + shot, "--window-size=1280,2000", url)
        check(taken.returncode == 0 and os.path.exists(shot),
              "chromium --screenshot failed: %s" % taken.stderr[-2000:])
        with open(shot, "rb") as f:
            width, height, channels, rows = decode_png(f.read())
        check((width, height) == (1280, 2000), "screenshot is %dx%d" % (width, height))
        colours, inked = set(), 0
        for row in rows:
            for x in range(0, len(row), channels):
                pixel = row[x:x + 3]
                colours.add(pixel)
                if pixel != b"\xff\xff\xff":
                    inked += 1
        share = inked / float(width * height)
        check(len(colours) >= 50, "screenshot has only %d colours" % len(colours))
        check(share >= 0.03, "screenshot is blank: %.1f%% non-white" % (100 * share))
        print("screenshot: %dx%d, %d colours, %.1f%% non-white" %
              (width, height, len(colours), 100 * share))
        if save:
            kept = rows[:crop] if crop else rows
            with open(save, "wb") as f:
                f.write(encode_png(width, kept, channels))

        # 3. A PDF with a page per model after the overview.
        pdf = os.path.join(work, "report.pdf")
        printed = chromium(browser, profile, "--print-to-pdf=" + pdf, "--no-pdf-header-footer",
                           url)
        check(printed.returncode == 0 and os.path.exists(pdf),
              "chromium --print-to-pdf failed: %s" % printed.stderr[-2000:])
        with open(pdf, "rb") as f:
            body = f.read()
        check(body.startswith(b"%PDF"), "the PDF does not start with %PDF")
        check(10000 < len(body) < 20000000, "PDF of %d bytes" % len(body))
        pages = body.count(b"/Type /Page") - body.count(b"/Type /Pages")
        check(pages >= 1 + len(models), "%d PDF pages for %d models" % (pages, len(models)))
        print("PDF: %d bytes, %d pages" % (len(body), pages))
        print("report OK")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
