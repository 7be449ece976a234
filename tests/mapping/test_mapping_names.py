"""Identifier splitting and name similarity on real register/symbol name pairs."""

from __future__ import annotations

from firmcorpus.mapping.names import abbreviates, abbreviates_merge, name_similarity, register_tokens, split_identifier


def test_split_identifier():
    assert split_identifier("DS1339_REG_ALARM1_SECS") == ("ds", "1339", "reg", "alarm", "1", "secs")
    assert split_identifier("ctrl_meas") == ("ctrl", "meas")
    assert split_identifier("i2cMasterCtrl") == ("i2c", "master", "ctrl")
    assert split_identifier("L3GD20H_WHO_AM_I") == ("l3gd20h", "who", "am", "i")


def test_abbreviations():
    assert abbreviates("secs", "seconds") and abbreviates("cfg", "config") and abbreviates("stat", "status")
    assert not abbreviates("st", "status")  # too short to mean anything
    assert not abbreviates("day", "wday")  # must start with the same letter
    assert abbreviates_merge("smplrt", ("sample", "rate"))
    assert not abbreviates_merge("day", ("ds", "wday"))  # must use each word's first letter


def test_name_similarity_orders_real_pairs():
    def sim(reg, sym):
        return name_similarity(register_tokens(reg), tuple(split_identifier(sym)))[0]

    # pairs the kernel really uses for datasheet registers (hand-checked truth) score high ...
    assert sim("WHO_AM_I", "WHOAMI") == 1.0
    assert sim("FIFO_COUNTH", "FIFO_COUNT_H") == 1.0
    assert sim("SMPLRT_DIV", "SAMPLE_RATE_DIV") > 0.75
    assert sim("Alarm 1 Seconds", "ALARM1_SECS") > 0.75
    assert sim("Shunt voltage", "SHUNT_VOLTAGE") == 1.0
    # ... an acronym counts ...
    assert sim("WHO_AM_I", "WAI") > 0.6
    # ... and unrelated names do not
    assert sim("Control", "STATUS") == 0.0
    assert sim("Date", "MDAY") == 0.0
    assert sim("ACCEL_XOUT_H", "RAW_ACCEL") < sim("ACCEL_XOUT_H", "ACCEL_XOUT_H")
