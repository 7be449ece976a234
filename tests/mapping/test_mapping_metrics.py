"""Scoring rules of ``mapping.metrics`` on a real truth file with hand-made predictions."""

from __future__ import annotations

import pytest

from firmcorpus.core.paths import shared_data_dir
from firmcorpus.mapping.metrics import evaluate, micro
from firmcorpus.mapping.models import FileScore, Link, MappingResult, SectionStatus


@pytest.fixture(scope="module")
def bme280_truth():
    d = shared_data_dir()
    if d is None or not (d / "datasheets/bosch_bme280__boschsensortec_api.json").is_file():
        pytest.skip("shared/data/datasheets not available")
    from firmcorpus.mapping.metrics import load_truth

    return load_truth(d / "datasheets/bosch_bme280__boschsensortec_api.json")


def test_evaluate_counts(bme280_truth):
    hdr = "drivers/iio/pressure/bmp280.h"
    links = [
        Link("ctrl_meas", None, "BMP280_REG_CTRL_MEAS", hdr, 101, 0.9, ["address", "name"], address="0xf4"),
        # a PDF spelling of a truth register, matched by address
        Link("CTRL-HUM", None, "BMP280_REG_CTRL_HUMIDITY", hdr, 103, 0.9, ["address"], address="0xf2"),
        # wrong symbol for a true register: false positive
        Link("id", None, "BMP180_CHIP_ID", hdr, 1, 0.6, ["address"], address="0xd0"),
        # an uncertain truth link: ignored on both sides
        Link("calib26..calib41", None, "BMP280_REG_COMP_H2", hdr, 107, 0.5, ["address"], address="0xe1"),
    ]
    sec = SectionStatus("5.3", "Memory map", "partial", files=[FileScore(hdr, 0.9)],
                        registers=["ctrl_meas", "ctrl_hum", "id"])
    e = evaluate(MappingResult(sections=[sec], links=links), bme280_truth)
    assert (e["tp"], e["fp"]) == (2, 1)
    assert e["fn"] == 14 - 2  # 16 truth links, 2 uncertain
    assert e["precision"] == pytest.approx(2 / 3)
    assert e["recall"] == pytest.approx(2 / 14)
    assert e["truth_files"] == 1 and e["file_accuracy"] == 1.0
    assert e["register_file_accuracy"] == pytest.approx(3 / 14)  # id is linked in the right file
    m = micro([e, e])
    assert m["tp"] == 4 and m["precision"] == pytest.approx(2 / 3)


def test_file_accuracy_needs_the_file_in_the_registers_section(bme280_truth):
    sec = SectionStatus("1", "Other", "partial", files=[FileScore("drivers/iio/pressure/bmp280.h", 1.0)],
                        registers=[])
    e = evaluate(MappingResult(sections=[sec], links=[]), bme280_truth)
    assert e["file_accuracy"] == 0.0 and e["recall"] == 0.0 and e["precision"] == 1.0


def test_file_accuracy_matches_a_differently_spelt_section_register_by_its_address():
    from firmcorpus.mapping.metrics import evaluate
    from firmcorpus.mapping.models import FileScore, Link, MappingResult, SectionStatus

    truth = {"registers": [{"name": "Seconds", "address": "0x00"}],
             "code": [{"links": [{"register": "Seconds", "file": "rtc.h", "symbol": "RTC_SEC"}]}]}
    res = MappingResult(
        sections=[SectionStatus("1", "Timekeeper registers", "implemented", files=[FileScore("rtc.h", 1.0)],
                                registers=["00h Seconds"])],
        links=[Link("00h Seconds", None, "RTC_SEC", "rtc.h", 3, 0.9, address="0x00")])
    e = evaluate(res, truth)
    assert (e["tp"], e["file_accuracy"]) == (1, 1.0)
