"""The learned API-prefix lexicon (``corpus.domains.lexicon``) and the rules that read it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from firmcorpus.corpus.domains import rules
from firmcorpus.corpus.domains.lexicon import Lexicon, MineParams, file_keys, ident_keys, include_keys, mine
from firmcorpus.corpus.domains.rules import api_evidence, weak_label


def _file(calls: list[str], include: str = "") -> str:
    inc = f'#include "{include}"\n' if include else ""
    body = "\n".join(f"    {c}(ctx, buf, len);" for c in calls)
    return f"{inc}int run(void *ctx, char *buf, int len)\n{{\n{body}\n    return 0;\n}}\n"


def _corpus() -> list[tuple[str, str, str]]:
    """Synthetic training files: ``zork_`` only in crypto files of three sources, ``buf_`` everywhere."""
    rows = []
    for i in range(12):
        rows.append((_file(["zork_cipher_init", "zork_cipher_update", "buf_copy"], "zork/cipher.h"), "crypto",
                     f"lib{i % 3}"))
        rows.append((_file(["buf_copy", "list_add"]), "general", f"app{i % 4}"))
        rows.append((_file(["buf_copy", "plonk_only_here"]), "usb_stack", "onlyone"))
        rows.append((_file(["buf_copy", "dev_write"]), "linux_kernel", f"mod{i % 2}"))
    return rows


def test_keys_of_identifiers_and_includes():
    assert ident_keys("zork_cipher_init") == ("zork_cipher_", "zork_")
    assert ident_keys("__HAL_RCC_ENABLE") == ("__HAL_RCC_", "__HAL_")
    assert ident_keys("FooBar_init") == ("FooBar_", "Foo*")
    assert ident_keys("plain") == () and ident_keys("x_") == () and ident_keys("_private") == ()
    assert include_keys("zork/cipher.h") == ("inc:zork/",)
    assert include_keys("zork_aes.h") == ("inc:zork_",)
    assert "zork_" in file_keys(_file(["zork_cipher_init"]))


def test_family_and_inner_folder_keys():
    # the letters before a token's first digit: members of a part family share them where full names differ
    assert ident_keys("abc12x_clk_init") == ("abc12x_clk_", "abc12x_", "abc#")
    assert ident_keys("ABC7_PAD") == ("ABC7_", "ABC#")
    assert ident_keys("x1_y") == ("x1_",)  # one letter is no family
    keys = include_keys("asm/arch-abc12/clock.h")
    assert keys == ("inc:asm/", "inc:*/arch-abc12/", "inc:abc#")
    assert include_keys("abc12_pins.h") == ("inc:abc12_", "inc:abc#")


def _kernelish_corpus() -> list[tuple[str, str, str]]:
    """A kernel tree (it has `linux_kernel` files) and two firmware sources that borrow its headers."""
    rows = []
    for i in range(12):
        rows.append(('#include <linux/io.h>\n' + _file(["dev_write", "kzalloc", "dev_err", "devm_ioremap"]),
                     "linux_kernel" if i % 2 else "usb_stack", "kernel"))
        rows.append(('/* Zorblax wrote this */\n#include <linux/io.h>\n#include <frob.h>\n' +
                     _file(["frob_probe", "dev_write"]),
                     "general", f"fw{i % 2}"))
    return rows


def test_markers_of_firmware_that_borrows_the_kernel_headers_are_learned():
    lex = mine(_kernelish_corpus(), MineParams(min_files=5, min_sources=2, min_purity=0.9))
    assert lex.params["kernel_sources"] == ["kernel"]
    assert "inc=frob.h" in lex.not_linux and "=frob_probe" in lex.not_linux
    assert "inc=linux/io.h" not in lex.not_linux and "=dev_write" not in lex.not_linux  # in the kernel too
    assert Lexicon.from_json(lex.to_json()).not_linux == lex.not_linux
    fw = '#include <linux/io.h>\n#include <linux/slab.h>\n#include <frob.h>\n/* frob */\n' + _file(
        ["frob_probe", "dev_write", "kzalloc", "dev_err", "devm_ioremap", "kfree"])
    assert weak_label("drv.c", fw, "c", None, Lexicon()) == ("linux_kernel", 0.8)
    assert weak_label("drv.c", fw, "c", None, lex) is None
    # a word in a comment is no marker
    assert "=Zorblax" not in lex.not_linux and not lex.not_linux_ident("Zorblax")


def test_a_prefix_concentrated_in_one_domain_is_learned_a_spread_one_is_not():
    lex = mine(_corpus(), MineParams(min_files=5, min_sources=2, min_purity=0.9))
    assert lex.entries["zork_"][0] == "crypto"
    assert lex.entries["zork_cipher_"][0] == "crypto"
    assert lex.entries["inc:zork/"][0] == "crypto"
    assert "buf_" not in lex.entries  # in every domain's files
    assert "list_" not in lex.entries  # concentrated, but in `general`, which API evidence never decides
    assert "dev_" not in lex.entries  # linux_kernel is decided by its own idioms, not learned prefixes
    # concentrated in usb_stack, but all from one source: a project's private names, not a shared API
    assert "plonk_" not in lex.entries
    assert "plonk_" in mine(_corpus(), MineParams(min_files=5, min_sources=1, min_purity=0.9)).entries
    # too few files
    assert not mine(_corpus(), MineParams(min_files=50, min_sources=1, min_purity=0.9)).entries


def test_purity_is_measured_on_rates_per_domain():
    # 12 crypto files of 12 have the key, and 2 of 4 general files: the rates are 1.0 and 0.5, purity 2/3
    rows = [(_file(["zork_a_b"]), "crypto", f"s{i % 2}") for i in range(12)]
    rows += [(_file(["zork_a_b"]), "general", "g")] * 2 + [(_file(["other_x"]), "general", "g")] * 2
    assert "zork_" not in mine(rows, MineParams(min_files=5, min_sources=2, min_purity=0.9)).entries
    assert mine(rows, MineParams(min_files=5, min_sources=2, min_purity=0.6)).entries["zork_"][0] == "crypto"


def test_lexicon_round_trips_through_json_and_feeds_the_rules():
    lex = Lexicon.from_json(mine(_corpus(), MineParams(min_files=5, min_sources=2)).to_json())
    assert lex.lookup("zork_hash_final") == "crypto" and lex.lookup("buf_copy") is None
    assert lex.lookup_include("zork/hash.h") == "crypto"
    text = _file(["zork_hash_init", "zork_hash_update", "zork_hash_final", "zork_mac_init"], "zork/hash.h")
    assert weak_label("hash.c", text, "c", None, Lexicon()) is None
    assert api_evidence({"zork_hash_init"}, [], lex)["crypto"] == 1.0
    got = weak_label("hash.c", text, "c", None, lex)
    assert got is not None and got[0] == "crypto"


# API names of particular libraries and vendors' driver families that rules.py once listed by hand; they are
# learned now (a rule may not name a vendor, a part, a library or a file)
LIBRARY_NAMES = ("mbedtls", "MBEDTLS", "psa_", "wc_", "wolfSSL", "WOLFSSL", "wolfCrypt", "wolfssl", "wolfcrypt",
                 "openssl", "OPENSSL", "EVP_", "tud", "tuh", "tusb", "TUD_", "CFG_TUD", "USBD_", "USBH_", "USBHw",
                 "USBRegister", "HandleStandardRequest", "dwc2", "dwc3", "DWC2", "DWC3", "musb", "MUSB", "cdns3",
                 "chipidea", "isp1760", "mtu3", "iwl", "brcmf", "mt76", "rtw", "hostapd",
                 # the STM32 HAL / StdPeriph / CubeMX and AURIX iLLD names (learned since issue 20's fourth round)
                 "HAL_", "__HAL", "LL_", "SystemClock_Config", "SystemCoreClockUpdate", "MX_", "STM32", "PeriphClockCmd",
                 "InitTypeDef", "Ifx", "IFX_", "TriCore", "tricore", "TRICORE",
                 # a boot loader's and a secure firmware's names and headers that vetoed `linux_kernel` (learned as
                 # `Lexicon.not_linux` since issue 20's fifth round)
                 "U_BOOT", "UCLASS_", "udevice", "DECLARE_GLOBAL_DATA_PTR", "mmio_write", "mmio_read", "DECLARE_RT_SVC",
                 "bl31_", "plat_", "global_data", "lib/mmio", "platform_def", "arch_helpers")


def _rule_strings() -> str:
    """Every string constant of rules.py but its docstrings: the patterns and names the rules match."""
    tree = ast.parse(Path(rules.__file__).read_text())
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body and \
                isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
            docs.add(id(node.body[0].value))
    return "\n".join(n.value for n in ast.walk(tree)
                     if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs)


def test_rules_name_no_library_api():
    source = _rule_strings()
    found = [n for n in LIBRARY_NAMES if re.search(rf"(?<![A-Za-z0-9]){re.escape(n)}", source)]
    # `ath` (a vendor's Wi-Fi driver family) is checked as a whole token: `path` and `math` are fine
    found += re.findall(r"(?<![A-Za-z])ath(?:\[0-9k\]\*)?(?=[|)_])", source)
    # the part family, except as the taxonomy's domain name `stm32_hal`
    found += re.findall(r"(?<![A-Za-z])stm32(?!_hal\b)", source)
    assert "stm32_hal" in source and "mbedtls" not in source  # the strings are read (the domain names are there)
    assert not found, f"rules.py names libraries or vendor drivers: {found}"
