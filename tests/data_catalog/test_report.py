"""The static HTML report: self-contained, deterministic, and checked in Debian's headless chromium.

Browser check (the simplest robust way, no CDP client): ``chromium --headless --dump-dom`` loads
``report.html#selftest``; the page's own self-test (``report.js``) sorts a table by clicking its
header, measures a manufacturer plot and records console/page errors into
``<pre id="selftest-result">``; the test reads that JSON and the sorted table back from the dumped
DOM, and checks chromium's stderr for console errors. A second run takes the screenshot kept under
tests/artifacts/.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from firmcorpus.data_catalog.report import write_report

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
# --no-zygote: chromium 156 as root in a container aborts in its zygote sandbox even with --no-sandbox
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--no-zygote", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report(fake_build) -> Path:
    return write_report(fake_build)


def test_report_is_self_contained_and_deterministic(report, fake_build):
    text = report.read_text()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), "external resource in the report"
    assert "<script src" not in text and "<link " not in text
    # every manufacturer of the build has a section with an inline SVG plot
    from firmcorpus.data_catalog.inspect import inspect_build

    res = inspect_build(fake_build)
    for m in res["manufacturers"]:
        sec = re.search(rf'<section class="manufacturer" id="m-[^"]*">\s*<h2>{re.escape(html.escape(m["manufacturer"]))}</h2>'
                        r'(.*?)</section>', text, re.S)
        assert sec and "<svg" in sec.group(1), m["manufacturer"]
    # pair rows link to the mapping documents that exist
    for pid in ("ti_ina219__libdriver", "nxp_pca9685__adafruit_pwmservo"):
        assert f'href="mappings/{pid}.md"' in text
    assert 'href="mappings/A1Pair_22.md"' not in text  # no mapping document written for it
    assert "peripherals, fields, includes" in text  # missing tables are named
    assert write_report(fake_build).read_bytes() == report.read_bytes()


def _run_chromium(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    ud = tmp_path / "chromium-profile"
    ud.mkdir(exist_ok=True)
    return subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={ud}", *args], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.browser
@pytest.mark.skipif(chromium() is None, reason="Debian chromium not installed: run `make browser` "
                                                "(apt-get install -y chromium, as root)")
def test_report_in_headless_chromium(report, tmp_path):
    url = report.resolve().as_uri() + "#selftest"
    run = _run_chromium(["--virtual-time-budget=10000", "--enable-logging=stderr", "--v=0", "--dump-dom", url],
                        tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    dom = run.stdout
    m = re.search(r'<pre id="selftest-result">(.*?)</pre>', dom, re.S)
    assert m and m.group(1).strip(), "the page's self-test did not run (script error?)\n" + run.stderr[-2000:]
    res = json.loads(html.unescape(m.group(1)))
    assert res["errors"] == [], res["errors"]
    console = [ln for ln in run.stderr.splitlines() if "CONSOLE" in ln and ("Uncaught" in ln or "Error" in ln)]
    assert console == [], console
    assert res["pass"], res
    assert "<title>selftest:pass</title>" in dom

    # the table really sorted: read the column back from the DOM (left sorted descending)
    sort = res["checks"]["sort"]
    assert sort["aria"] == "descending" and sort["first_asc"] != sort["first_desc"]
    table = re.search(rf'<table class="sortable" id="{sort["table"]}">(.*?)</table>', dom, re.S).group(1)
    col = sort["column_index"]
    values = []
    for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S):
        attrs = re.findall(r"<td([^>]*)>", row)
        values.append(float(re.search(r'data-sort="([^"]*)"', attrs[col]).group(1)))
    assert len(values) >= 3 and values == sorted(values, reverse=True)

    plot = res["checks"]["plot"]
    assert plot["svg"] and plot["marks"] > 0 and plot["width"] > 100 and plot["height"] > 50
    assert res["checks"]["mapping_links"] > 0 and res["checks"]["external"] == 0

    # screenshot, kept as a test artifact
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report-screenshot.png"
    run = _run_chromium(["--window-size=1400,1800", "--virtual-time-budget=10000", f"--screenshot={shot}",
                         report.resolve().as_uri()], tmp_path)
    assert run.returncode == 0 and shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
