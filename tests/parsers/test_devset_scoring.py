"""The development-set scorer (``bench/datasheet_quality.py``): how a truth's page scope treats
registers the parser reports on other pages."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from datasheet_quality import score_devset_file  # noqa: E402

TRUTH = {"scope": {"pages": [89, 90]},
         "registers": [{"name": "SYSTEM RESET00", "address": "0x3000"}, {"name": "SYSTEM CTRL0", "address": "0x3008"},
                       {"name": "CLOCK ENABLE00", "address": "0x3004", "alt_names": ["CLK EN 0"]}]}


def test_a_truth_register_reported_on_an_earlier_page_counts():
    got = [{"name": "SYSTEM RESET00", "address": "0x3000", "page": 75},  # printed first in an earlier chapter
           {"name": "SYSTEM CTRL0", "address": "0x3008", "page": 89},
           {"name": "CLK EN 0", "address": "0x3004", "page": 12}]
    r = score_devset_file(TRUTH, got)
    assert (r["lenient"], r["extracted"], r["missed"], r["spurious"]) == (3, 3, [], [])


def test_other_registers_outside_the_scope_are_not_scored():
    got = [{"name": "SYSTEM CTRL0", "address": "0x3008", "page": 89},
           {"name": "PLL CTRL", "address": "0x3034", "page": 40},  # another chapter's register: not scored
           {"name": "SYSTEM RESET", "address": "0x3000", "page": 75},  # another name at a truth address: not scored
           {"name": "MIPI CTRL", "address": "0x3009", "page": 90}]  # in scope and not in the truth: spurious
    r = score_devset_file(TRUTH, got)
    assert (r["lenient"], r["extracted"], r["spurious"]) == (1, 2, ["MIPI CTRL@0x3009"])


def test_a_restatement_outside_the_scope_is_not_counted_twice():
    got = [{"name": "SYSTEM CTRL0", "address": "0x3008", "page": 89},
           {"name": "SYSTEM CTRL0", "address": "0x3008", "page": 120},  # the same register printed again
           {"name": "CLK EN 0", "address": "0x3004", "page": 12},
           {"name": "Clock Enable 0", "address": "0x3004", "page": 130}]  # a second reading of it: not counted
    r = score_devset_file(TRUTH, got)
    assert (r["lenient"], r["extracted"], r["spurious"]) == (2, 2, [])
