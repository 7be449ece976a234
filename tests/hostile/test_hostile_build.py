"""End to end: one small build whose manifest (a latin-1 CSV) holds one good pair and many hostile
ones. It must finish, record each bad input with its reason, leave the host untouched, write
nothing outside OUT, keep every secret out of every output; then the OUT lock, the refused rerun
with other settings, the resume that keeps its stage timings, and a bad --config, all by the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from hostile_util import SENTINEL_TEXT, make_tar, tar_member

from firmcorpus.corpus.out_state import out_lock

SVD = """<?xml version="1.0"?><device><name>TINY</name><peripherals>
  <peripheral><name>TIM0</name><baseAddress>0x40000000</baseAddress><description>Timer</description>
    <registers><register><name>CTRL</name><addressOffset>0x0</addressOffset><size>32</size>
      <resetValue>0x0</resetValue><fields><field><name>EN</name><bitOffset>0</bitOffset><bitWidth>1</bitWidth>
      <description>Enable</description></field></fields></register>
      <register><name>CNT</name><addressOffset>0x4</addressOffset><size>32</size></register></registers>
  </peripheral></peripherals></device>"""
DRIVER = """/* Timer driver */
#include <stdint.h>
#define TIM0_BASE 0x40000000u
#define TIM0_CTRL (*(volatile uint32_t *)(TIM0_BASE + 0x0u))
#define TIM0_CNT (*(volatile uint32_t *)(TIM0_BASE + 0x4u))
#define TIM0_CTRL_EN (1u << 0)
void tim0_start(void) { TIM0_CTRL |= TIM0_CTRL_EN; }
uint32_t tim0_count(void) { return TIM0_CNT; }
"""
SECRET = "hunter2-home-wifi"
CLOUD_KEY = "AKIAABCDEFGHIJKLMNOP"


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    return subprocess.run([sys.executable, "-m", "firmcorpus", *args], capture_output=True, text=True, env=env)


def _flat(stderr: str) -> str:
    """The CLI's error as one string (rich draws it in a box and wraps it)."""
    return " ".join(stderr.replace("│", " ").split())


def _write_inputs(root: Path, sentinel: Path) -> Path:
    sb = root / "sandbox"
    good = sb / "good"
    good.mkdir(parents=True)
    (good / "tim0.c").write_text(DRIVER)
    (good / "tim0_cfg.h").write_text(f'#define WIFI_PASS "{SECRET}"\n#define CLOUD_KEY_ID "{CLOUD_KEY}"\n'
                                     f'const char *mqtt_pass = "{SECRET}";\n')
    (sb / "tiny.svd").write_text(SVD)
    evil = sb / "evil"
    (evil / "src").mkdir(parents=True)
    (evil / "src" / "ok.c").write_text("int ok;\n")
    (evil / "hostdir").symlink_to(sentinel.parent)
    (evil / "src" / "shadow.h").symlink_to(sentinel)
    os.mkfifo(evil / "src" / "pipe.c")
    with open(os.fsencode(str(evil / "src")) + b"/caf\xe9.c", "wb") as f:
        f.write(b"int cafe;\n")
    lines = ["#define F0(x) (x)"] + [f"#define F{i}(x) F{i - 1}(x) + F{i - 1}(x)" for i in range(1, 22)]
    (evil / "src" / "exp.h").write_text("\n".join(lines + ["#define V F21(1)"]) + "\n")
    full = make_tar(sb / "full.tar.gz", [tar_member("drv/a.c", bytes(range(256)) * 300)])
    (sb / "trunc.tar.gz").write_bytes(full.read_bytes()[:300])
    make_tar(sb / "chain.tar.gz", [tar_member("a/", None), tar_member("a/l", link=".."),
                                   tar_member("esc", link="a/l/../../.."), tar_member("ok.c", b"int c;\n")])
    abs_id = str(root / "abs_escape")
    rows = [
        ("good", "good", "", "tiny.svd", "Société Générale", "MCU"),  # latin-1 in a latin-1 file
        ("../../rel_escape", "good", "", "tiny.svd", "acme", "MCU"),
        (abs_id, "good", "", "tiny.svd", "acme", "MCU"),
        ("vendor/chip", "good", "", "tiny.svd", "acme", "Sensor"),
        ("climb", "evil", "src;../../host;hostdir", "", "acme", "MCU"),
        ("trunc", "trunc.tar.gz", "", "", "acme", "MCU"),
        ("chain", "chain.tar.gz", "", "", "acme", "MCU"),
        ("badcat", "good", "", "", "acme", "Spaceship"),
        ("missing_sheet", "good", "", "nowhere.svd", "acme", "MCU"),
    ]
    text = "pair_id,repo,repo_paths,datasheet,manufacturer,category\n" + "".join(
        ",".join(r) + "\n" for r in rows)
    (sb / "pairs.csv").write_bytes(text.encode("latin-1"))
    return sb / "pairs.csv"


def _all_output_text(out: Path) -> str:
    chunks = []
    for p in sorted(out.rglob("*")):
        if p.is_file() and p.suffix in (".json", ".md", ".html", ".txt", ".log", ".slurm") or p.name.endswith(".log"):
            chunks.append(p.read_text("utf-8", "replace"))
        elif p.is_file() and p.suffix == ".parquet" and "parts" not in p.parts:
            df = pl.read_parquet(p)
            chunks.append(df.write_csv())
    return "\n".join(chunks)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    host = root / "host"
    host.mkdir()
    sentinel = host / "shadow"
    sentinel.write_text(SENTINEL_TEXT)
    manifest = _write_inputs(root, sentinel)
    out = root / "sandbox" / "out"
    before = sorted(p.name for p in root.iterdir())
    proc = _cli("build", str(manifest), "-o", str(out), "--tasks", "1", "--workers", "1", "--json")
    return root, out, sentinel, manifest, proc, before


def test_build_finishes_and_records_every_bad_input(hostile_build):
    root, out, sentinel, manifest, proc, before = hostile_build
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    drops = pl.read_parquet(out / "catalog" / "drops.parquet")
    got = {(r["pair_id"], r["path"], r["reason"]) for r in drops.iter_rows(named=True)}
    for want in [("climb", "../../host", "outside_source"), ("climb", "hostdir", "symlink"),
                 ("climb", "shadow.h", "symlink"), ("climb", "pipe.c", "fifo"),
                 ("climb", "caf\\xe9.c", "non_utf8_name"), ("badcat", "row 8", "unknown_category")]:
        assert want in got, (want, sorted(got))
    by_pair = {r["pair_id"]: r for r in drops.iter_rows(named=True) if r["reason"] == "repo_fetch_failed"}
    assert "truncated or corrupt" in by_pair["trunc"]["detail"]
    assert "escapes the archive" in by_pair["chain"]["detail"]
    assert ("missing_sheet", "row 9", "unreachable_path") in got  # refused at load, recorded in OUT
    summary = json.loads((out / "logs" / "summary.json").read_text())
    assert {"stage": "manifest", "reason": "unknown_category"}.items() <= next(
        d for d in summary["drops"] if d["stage"] == "manifest").items()
    files = pl.read_parquet(out / "catalog" / "files.parquet")
    assert "macro_budget" in files.filter(pl.col("path") == "exp.h")["flags"][0]
    pairs = pl.read_parquet(out / "catalog" / "pairs.parquet")
    assert "Société Générale" in pairs["manufacturer_raw"].to_list()


def test_nothing_read_from_or_written_to_the_host(hostile_build):
    root, out, sentinel, manifest, proc, before = hostile_build
    assert sentinel.read_text() == SENTINEL_TEXT
    assert sorted(p.name for p in root.iterdir()) == before  # no abs_escape*, no rel_escape* beside
    assert sorted(p.name for p in sentinel.parent.iterdir()) == ["shadow"]
    assert not list(out.parent.parent.glob("*escape*")) and not list(root.glob("abs_escape*"))
    everything = _all_output_text(out)
    assert "SENTINEL_HOST_SECRET" not in everything
    stems = sorted(p.name for p in (out / "mappings").iterdir())
    assert len(stems) == 8 and all("/" not in s and not s.startswith(".") for s in stems), stems
    assert {"good.json", "good.md"} <= set(stems)


def test_no_secret_in_any_output(hostile_build):
    root, out, sentinel, manifest, proc, before = hostile_build
    everything = _all_output_text(out)
    assert SECRET not in everything and CLOUD_KEY not in everything
    symbols = pl.read_parquet(out / "catalog" / "symbols.parquet")
    values = dict(zip(symbols["name"].to_list(), symbols["value"].to_list()))
    assert values["WIFI_PASS"] == '"<PASSWORD>"' and values["CLOUD_KEY_ID"] == '"<KEY>"'
    docs = pl.read_parquet(out / "catalog" / "documents.parquet")
    assert "good" in docs["pair_id"].to_list()  # the good pair built


def test_second_build_into_the_same_out_is_refused_with_its_holder(hostile_build):
    root, out, sentinel, manifest, proc, before = hostile_build
    with out_lock(out):
        p = _cli("build", str(manifest), "-o", str(out), "--tasks", "1", "--workers", "1")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    flat = _flat(p.stderr)
    assert "is being written by another build (pid" in flat and f"pid {os.getpid()} on" in flat


def test_rerun_with_other_settings_is_refused_and_build_json_kept(hostile_build):
    root, out, sentinel, manifest, proc, before = hostile_build
    state = (out / "build.json").read_bytes()
    p = _cli("build", str(manifest), "-o", str(out), "--tasks", "1", "--workers", "1", "--set", "seed=7",
             "--set", "decontam.ngram=9")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    flat = _flat(p.stderr)
    assert "seed: 0 before, 7 now" in flat and "decontam.ngram: 13 before, 9 now" in flat and "-o" in flat
    assert (out / "build.json").read_bytes() == state


def test_rerun_resumes_and_keeps_the_stage_timings(hostile_build):
    root, out, sentinel, manifest, proc, before = hostile_build
    first = json.loads((out / "logs" / "summary.json").read_text())["stages"]
    p = _cli("build", str(manifest), "-o", str(out), "--tasks", "1", "--workers", "2")  # workers: run-only
    assert p.returncode == 0, p.stderr[-2000:]
    again = json.loads((out / "logs" / "summary.json").read_text())["stages"]
    assert {k: v["seconds"] for k, v in again.items()} == {k: v["seconds"] for k, v in first.items()}
    assert first["extract"]["seconds"] > 0


def test_bad_config_yaml_is_one_line(tmp_path, hostile_build):
    root, out, sentinel, manifest, proc, before = hostile_build
    cfg = tmp_path / "build.yaml"
    cfg.write_text("tasks: [1\nseed: {\n")
    p = _cli("build", str(manifest), "-o", str(tmp_path / "o"), "--config", str(cfg))
    assert p.returncode == 2 and "Traceback" not in p.stderr and "build.yaml" in p.stderr
    assert not (tmp_path / "o").exists()
