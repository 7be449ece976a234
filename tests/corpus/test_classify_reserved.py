"""The classifier's data never names a reserved project (``shared/RESERVED.md``, checked through
``tests.reserved_names``), as a public repository or as a registry package of the same code, and the
recipe's exclusion list keeps vendored copies of them out of every source."""

from __future__ import annotations

import csv
from pathlib import Path

from firmcorpus.corpus.domains import evalset
from tests.reserved_names import is_reserved, reserved_named_by

RECIPE = Path(__file__).resolve().parents[2] / "bench" / "devset" / "classify" / "SOURCES.csv"

def test_the_checker_catches_the_registry_copies_used_before():
    assert reserved_named_by("mbedtls", "debsrc:mbedtls") == "mbedtls"
    assert reserved_named_by("avr-libc", "deb:avr-libc") == "avrlibc"
    assert reserved_named_by("lwip", "debsrc:lwip") == "lwip"
    assert reserved_named_by("bluez", "debsrc:bluez") == "bluez"
    assert reserved_named_by("libmbedtls14", "deb:libmbedtls14") == "libmbedtls"
    listed = next(g.reserved for g in evalset.load_reserved_globs() if not g.reserved.endswith("/*"))
    assert reserved_named_by(f"git:{listed}", f"git:{listed}@abc") == listed.lower()  # a repository exactly
    assert reserved_named_by("git:ARM-software/CMSIS_6", "git:ARM-software/CMSIS_6@abc") is None
    assert reserved_named_by("wolfssl", "debsrc:wolfssl") is None


def test_no_evalset_source_is_a_reserved_project():
    bad = {n: reserved_named_by(n, s.fetch) for n, s in evalset.SOURCES.items()}
    assert {n: r for n, r in bad.items() if r} == {}


def test_no_recipe_row_names_a_reserved_project():
    with open(RECIPE, newline="") as f:
        pairs = {(r["source"], r["fetch"]) for r in csv.DictReader(f)}
    assert pairs
    assert {p: reserved_named_by(*p) for p in pairs if reserved_named_by(*p)} == {}


def test_every_exclusion_row_names_a_reserved_project():
    globs = evalset.load_reserved_globs()
    assert globs
    for g in globs:
        owner, name = g.reserved.split("/", 1)
        # a whole owner's reserved repositories (``libdriver/*``): the glob names one of them
        assert is_reserved(g.reserved) or (name == "*" and is_reserved(g.glob.split("driver_")[-1].rstrip("*"))), g


def test_vendored_copies_are_excluded_wherever_they_sit():
    src = "git:example/firmware"
    for rel in ("third_party/lwip/src/core/tcp.c", "lib/mbedtls/library/aes.c", "ext/TinyUSB/src/tusb.c",
                "modules/littlefs/lfs.c", "lfs.c", "components/cJSON/cJSON.c", "Drivers/CMSIS/Include/core_cm4.h",
                "drivers/net/wireless/mediatek/mt76/mac80211.c", "drivers/net/ethernet/aquantia/atlantic/aq_nic.c",
                "Drivers/STM32F4xx_HAL_Driver/Src/stm32f4xx_hal_gpio.c", "include/avr/iom328p.h",
                "ext/tinycrypt/lib/source/aes_encrypt.c", "src/pb_decode.c", "src/core_mqtt.c"):
        assert evalset.reserved_match(src, rel) is not None, rel
    for rel in ("src/aes.c", "drivers/net/wireless/ath/ath9k/main.c", "Src/stm32l4xx_hal_gpio.c",
                "include/libopencm3/stm32/f4/gpio.h", "core/lib/crypto.c"):
        assert evalset.reserved_match(src, rel) is None, rel
    # the successor of a reserved project, itself not reserved, keeps its own core headers
    assert evalset.reserved_match("git:ARM-software/CMSIS_6", "CMSIS/Core/Include/core_cm4.h") is None


def test_collect_counts_excluded_copies_per_source(tmp_path):
    root = tmp_path / "include/libopencm3"
    (root / "stm32").mkdir(parents=True)
    (root / "lwip").mkdir(parents=True)
    text = "#define GPIOA_MODER (*(volatile unsigned *)0x40020000)\n" * 4
    (root / "stm32/gpio.h").write_text(text)
    (root / "lwip/opt.h").write_text(text)
    skipped: dict[str, int] = {}
    src = "git:libopencm3/libopencm3"
    got = evalset.collect("train", roots={src: tmp_path}, sources=[src], fetch=False, skipped=skipped)
    assert [e.path for e in got] == ["include/libopencm3/stm32/gpio.h"]
    assert skipped[f"reserved:{src}"] == 1


def test_no_devset_document_names_a_reserved_repository():
    """The development set's README, recipes and truth name reserved repositories nowhere (the
    exclusion list above is the one file that must); a skipped one is "a reserved repository"."""
    import re

    root = RECIPE.parents[1]
    named = {}
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".md", ".csv", ".json") or path.name == "RESERVED_EXCLUDE.csv" or "cache" in path.parts:
            continue
        for repo in re.findall(r"(?<![\w./-])([A-Za-z0-9][\w.-]{0,38}/[A-Za-z0-9][\w.-]{0,99})", path.read_text()):
            if is_reserved(repo.rstrip(".").lower()):
                named.setdefault(str(path.relative_to(root)), set()).add(repo)
    assert named == {}
