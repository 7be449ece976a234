"""Signals, licence detection/policy and secret redaction on real msp430mcu headers and planted text."""

from __future__ import annotations

from pathlib import Path

import pytest

from firmcorpus.corpus.code_tokens import signal_tokens
from firmcorpus.corpus.licenses import LicensePolicy, detect_license, split_expression
from firmcorpus.corpus.secrets import find_secrets, redact
from firmcorpus.corpus.signals import comment_ratio, encoded_data, text_signals


@pytest.fixture(scope="module")
def msp_include() -> Path:
    from firmcorpus.core.sources import fetch

    return fetch("deb:msp430mcu") / "usr/msp430/include"


def test_line_signals_match_independent_count(msp_include):
    text = (msp_include / "msp430f2232.h").read_text(errors="replace")
    s = text_signals(text, "c")
    lines = text.splitlines()
    if text.endswith("\n"):
        lines.append("")  # split("\n") keeps the empty last line; so must the oracle
    assert s.max_line_length == max(len(x) for x in lines)
    assert s.n_lines == len(lines)
    assert s.mean_line_length == pytest.approx(sum(len(x) for x in lines) / len(lines), abs=1e-3)
    n_alnum = sum(c.isalnum() for c in text)
    assert s.alnum_fraction == pytest.approx(n_alnum / len(text), abs=1e-5)
    assert 0.0 < s.comment_ratio < 1.0  # the header has a licence comment and code


def test_comment_ratio_counts_only_comments():
    text = 'int a; /* 12345 */\nchar *s = "// not a comment";\n// abc\n'
    assert comment_ratio(text, "c") == pytest.approx((len("/* 12345 */") + len("// abc")) / len(text))
    assert comment_ratio("mov r0, r1 ; load\n", "asm") == pytest.approx(len("; load") / len("mov r0, r1 ; load\n"))
    assert comment_ratio("x", None) == 0.0


def test_code_tokens_keep_operators():
    assert signal_tokens("p->x = 0x1Fu;") == ["p", "-", ">", "x", "=", "0x1Fu", ";"]


def test_encoded_blob_detected():
    blob = "const unsigned char fw[] = {\n" + ",\n".join(
        ", ".join(f"0x{(i * 37 + j) % 256:02x}" for j in range(12)) for i in range(200)) + "\n};\n"
    frac, longest = encoded_data(blob)
    assert frac > 0.9 and longest > 1024
    assert encoded_data("#define UCSR0A _SFR_MEM8(0xC0)\n")[0] == 0.0


def test_spdx_and_text_licences(msp_include):
    # TI's MSP430 device headers carry the BSD-3-Clause text in one comment a line, no SPDX tag
    assert detect_license((msp_include / "msp430g2553.h").read_text(errors="replace")) == "BSD-3-Clause"
    # the generated dispatch header has no licence text at all
    assert detect_license((msp_include / "msp430.h").read_text(errors="replace")) is None
    assert detect_license("/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause */\n") == \
        "GPL-2.0 WITH Linux-syscall-note OR BSD-3-Clause"
    assert detect_license("// Licensed under the Apache License, Version 2.0 (the \"License\");") == "Apache-2.0"
    assert detect_license("/* COPYRIGHT STMicroelectronics\n * Licensed under Ultimate Liberty license SLA0044 */") \
        == "LicenseRef-ST-SLA0044"
    assert detect_license("int main(void) { return 0; }") is None


def test_policy_expressions_and_overrides():
    p = LicensePolicy(manufacturer_overrides={"STMicroelectronics": ["LicenseRef-ST-SLA0044"]})
    assert p.decide("MIT")[0]
    assert p.decide("GPL-2.0 WITH Linux-syscall-note OR Proprietary-X")[0]  # OR: one side suffices
    assert not p.decide("MIT AND LicenseRef-proprietary")[0]
    assert p.decide("LicenseRef-proprietary") == (False, "license_denied:LicenseRef-proprietary")
    assert p.decide("LicenseRef-ST-SLA0044", "STMicroelectronics") == (True, None)
    assert p.decide("LicenseRef-ST-SLA0044", "Nordic Semiconductor")[0] is False
    assert p.decide(None) == (True, None)
    assert LicensePolicy(unknown="drop").decide(None) == (False, "license_unknown")
    assert LicensePolicy().decide("LicenseRef-Nordic-5-Clause", "Nordic Semiconductor")[0]  # default override
    assert not LicensePolicy().decide("LicenseRef-Nordic-5-Clause", "Espressif Systems")[0]
    assert split_expression("A OR B") == ("OR", ["A", "B"])
    with pytest.raises(ValueError, match="unknown"):
        LicensePolicy(unknown="maybe")


def test_secrets_redacted_in_real_file(msp_include):
    real = (msp_include / "msp430f2274.h").read_text(errors="replace")
    planted = {
        '#define MQTT_PASSWORD "correct-horse-9"\n': "correct-horse-9",
        'static const char psk[] = "wpa2-s3cret!";\n': "wpa2-s3cret!",
        'const char *aws = "AKIAIOSFODNN7EXAMPLE";\n': "AKIAIOSFODNN7EXAMPLE",
        "/* maintainer: jane.doe@firmware-vendor.io */\n": "jane.doe@firmware-vendor.io",
        "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg\n-----END EC PRIVATE KEY-----\n": "MHcCAQEEIBkg",
    }
    text = real + "".join(planted)
    red, found = redact(text)
    for secret in planted.values():
        assert secret not in red
    assert {s.kind for s in found} >= {"password", "psk", "aws_access_key", "email", "private_key"}
    assert '#define MQTT_PASSWORD "<PASSWORD>"' in red
    # things that look like secrets but are not
    benign = '#define PASSWORD_LEN 16\nchar *password = buf;\nprintf("password: %s", p);\n'
    assert find_secrets(benign) == []


def test_quality_signals_step_tags_and_redacts(msp_include):
    from datatrove.data import Document

    from firmcorpus.core.documents import sha256_text
    from firmcorpus.corpus.steps.signals import SIGNAL_KEYS, QualitySignals

    text = (msp_include / "msp430g2553.h").read_text(errors="replace") + '\n#define AP_PASS "letmein99"\n'
    doc = Document(text=text, id="d1", metadata={"language": "c", "kind": "code", "flags": ["vendored"],
                                                 "sha256": sha256_text(text)})
    out = list(QualitySignals().run(iter([doc])))
    md = out[0].metadata
    assert set(SIGNAL_KEYS) <= set(md)
    assert "letmein99" not in out[0].text and md["secrets_found"] == 1 and md["secret_kinds"] == ["psk"]
    assert md["sha256"] == sha256_text(out[0].text)
    assert md["is_vendored"] and not md["is_generated"]
    assert md["license_spdx"] == "BSD-3-Clause"
