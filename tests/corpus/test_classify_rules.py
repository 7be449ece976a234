"""Weak-label rules on small real excerpts, one per domain (see test_classify_snippets_data.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_classify_snippets_data import SNIPPETS  # noqa: E402

from firmcorpus.core.documents import DOMAINS  # noqa: E402
from firmcorpus.corpus.domains.features import doc_tokens, language_of  # noqa: E402
from firmcorpus.corpus.domains.rules import supported_domains, weak_label  # noqa: E402
from firmcorpus.corpus.steps.classify import datasheet_label  # noqa: E402


def test_every_domain_has_a_snippet():
    assert set(SNIPPETS) == set(DOMAINS)


@pytest.mark.parametrize("domain", [d for d in DOMAINS if d != "general"])
def test_rule_labels_real_snippet(domain):
    _, name, text = SNIPPETS[domain]
    got = weak_label(name, text, language_of(name), None)
    assert got is not None, f"rules abstained on the {domain} excerpt"
    assert got[0] == domain
    assert 0.8 <= got[1] <= 1.0


def test_rules_abstain_on_plain_c_library_code():
    # general is never a rule's call: newlib's memccpy names no domain's API
    _, name, text = SNIPPETS["general"]
    assert weak_label(name, text, language_of(name), None) is None


@pytest.mark.parametrize("domain", list(DOMAINS))
def test_supported_domains_contain_the_true_domain(domain):
    _, name, text = SNIPPETS[domain]
    sup = supported_domains(name, text, language_of(name), None)
    assert domain in sup and "general" in sup


def test_linux_needs_kernel_markers():
    # a boot loader's board file includes <linux/...> compat headers but is not kernel code: the markers that
    # say so are learned (Lexicon.not_linux; here one include of the snippet stands for them)
    from firmcorpus.corpus.domains.lexicon import Lexicon

    _, name, text = SNIPPETS["nxp_imx"]
    learned = Lexicon(not_linux={"inc=asm/global_data.h": 1.0})
    assert "linux_kernel" in supported_domains(name, text, "c", None, Lexicon())
    assert "linux_kernel" not in supported_domains(name, text, "c", None, learned)
    _, name, text = SNIPPETS["linux_kernel"]
    assert "linux_kernel" in supported_domains(name, text, "c", None)
    assert "linux_kernel" in supported_domains(name, text, "c", None, learned)


def test_rules_ignore_directory_names():
    # the same text gives the same label wherever it sits: rules read only the file type
    _, name, text = SNIPPETS["crypto"]
    a = weak_label(f"drivers/usb/{name}", text, "c", None)
    b = weak_label(f"wireless/{name}", text, "c", None)
    assert a == b and a[0] == "crypto"


def test_codefile_includes_are_used():
    from firmcorpus.parsers.models import CodeFile

    text = "int main(void)\n{\n    HAL_Init();\n    return 0;\n}\n"
    # the STM32MP headers' prefixes are in the shipped model's learned lexicon (several training sources)
    cf = CodeFile(path="main.c", language="c", includes=["stm32mp1_clk.h", "stm32mp_common.h"])
    # (the same label; written into the text, the header names count as identifiers too: a higher confidence)
    assert weak_label("main.c", text, "c", cf)[0] == weak_label(
        "main.c", '#include "stm32mp1_clk.h"\n#include "stm32mp_common.h"\n' + text, "c", None)[0] == "stm32_hal"
    assert weak_label("main.c", text, "c", None) is None  # one API name alone is not enough


def test_devicetree_binding_schema():
    text = ("%YAML 1.2\n---\n$id: http://devicetree.org/schemas/rtc/st,stm32-rtc.yaml#\n"
            "$schema: http://devicetree.org/meta-schemas/core.yaml#\n\ntitle: STMicroelectronics STM32 RTC\n")
    assert weak_label("st,stm32-rtc.yaml", text, "other", None) == ("device_tree", 0.99)
    assert weak_label("config.yaml", "key: value\n", "other", None) is None


def test_datasheet_label_by_vendor_family_and_shape():
    assert datasheet_label("The STM32F405 ... STM32 " * 20)[0] == "stm32_hal"
    assert datasheet_label("Control register (CTRL) ... status register " * 10)[0] == "register_defines"
    assert datasheet_label("A temperature sensor with a digital interface.")[0] == "general"


def test_features_split_identifiers_and_includes():
    toks = doc_tokens('#include <linux/usb/gadget.h>\nHAL_GPIO_Init(GPIOA, &x); wiphyRegister(0x40);',
                      "drivers/usb/gadget/f_x.c", "c")
    for t in ("__inc_gadget", "__incdir_linux", "hal_gpio_init", "hal", "gpio", "init", "wiphyregister",
              "wiphy", "register", "__hex", "__lang_c", "__ext_c", "__dir_gadget"):
        assert t in toks, t


def test_kconfig_goes_to_the_os_whose_learned_symbols_it_uses():
    # no hand list of an RTOS's Kconfig functions: the shipped lexicon's learned devicetree symbols decide
    zephyr = 'config SENSOR_FOO\n\tbool "Foo"\n\tdefault y\n\tdepends on DT_HAS_ACME_FOO_ENABLED\n\tselect I2C\n'
    assert weak_label("drivers/sensor/foo/Kconfig", zephyr, "kconfig") == ("zephyr_rtos", 0.85)
    # a topical domain's names in a Kconfig do not make it that domain's
    wifi = 'config WLAN_FOO\n\tbool "Foo"\n\tdepends on PCI && MAC80211\n\tselect CFG80211_WEXT\n'
    assert weak_label("drivers/net/wireless/foo/Kconfig", wifi, "kconfig") is None
