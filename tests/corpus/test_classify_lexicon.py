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
    assert ident_keys("ABC7X_PAD") == ("ABC7X_", "ABC#")
    assert ident_keys("ABC7_PAD") == ("ABC7_",)  # a single trailing digit is an instance number (UART1), no family
    assert ident_keys("UART12_CTRL") == ("UART12_", "UART#")
    assert ident_keys("x1_y") == ("x1_",)  # one letter is no family
    keys = include_keys("asm/arch-abc12/clock.h")
    # an inner folder named with dashes counts by each word too
    assert keys == ("inc:asm/", "inc:*/arch-abc12/", "inc:*/arch/", "inc:*/abc12/", "inc:abc#")
    assert include_keys("asm/mach-abc/x.h") == ("inc:asm/", "inc:*/mach-abc/", "inc:*/mach/", "inc:*/abc/")
    assert include_keys("abc12_pins.h") == ("inc:abc12_", "inc:abc#")


def test_strict_domain_keys_need_several_sources_and_folders():
    # a Zephyr key (STRICT_DOMAINS) must be shared by more sources, in several folders of each: one application's
    # own module (one folder) does not qualify, the kernel API every source calls does
    rows = []
    for s in range(5):
        for f in range(3):
            rows.append((_file(["k_zap_wait", "k_zap_give"]), "zephyr_rtos", f"zapp{s}", f"app{s}/mod{f}/x.c"))
    for f in range(15):  # every source's cloud module sits in one folder
        rows.append((_file(["cloudy_send", "k_zap_wait"]), "zephyr_rtos", f"zapp{f % 5}", f"app{f % 5}/cloud/x{f}.c"))
    for i in range(12):
        rows.append((_file(["buf_copy", "list_add"]), "general", f"g{i % 4}", f"g/x{i}.c"))
    lex = mine(rows, MineParams(min_files=5, min_sources=2, min_purity=0.9))
    assert lex.entries["k_zap_"][0] == "zephyr_rtos"
    assert "cloudy_" not in lex.entries


def _family_corpus() -> list[tuple[str, str, str]]:
    """``qux6``/``qux7a``/``qux8b`` (a family of three members) only in nxp_imx files of two sources; ``bop32`` (one
    member) only in stm32_hal files; ``zed9x``/``zed5y``/``zed3`` in crypto files while ``zedfoo_`` words are everywhere."""
    rows = []
    for i in range(12):
        rows.append((_file([f"qux{6 + i % 3}{'ab'[i % 2]}_clk_init", "qux_common_init"], f"asm/mach-qux/qux{6 + i % 3}.h"),
                     "nxp_imx", f"soc{i % 2}"))
        rows.append((_file(["bop32_to_cpu", "bop_get"]), "stm32_hal", f"st{i % 2}"))
        rows.append((_file([f"zed{3 + i % 3}x_hash", "zedfoo_list"]), "crypto", f"c{i % 2}"))
        rows.append((_file(["zedfoo_list", "buf_copy", "bopper_x"]), "general", f"g{i % 3}"))
    return rows


def test_a_family_name_learned_with_several_members_also_matches_longer_words():
    lex = Lexicon.from_json(mine(_family_corpus(), MineParams(min_files=5, min_sources=2, min_purity=0.9)).to_json())
    assert lex.entries["qux#"][0] == "nxp_imx" and lex.stems["qux"] == "nxp_imx"
    # a sub-family the training files never showed (``quxrt``), in names and in include words
    assert lex.lookup("quxrt_gpio_init") == "nxp_imx" and lex.lookup("QUXRT1050_BASE") == "nxp_imx"
    assert lex.lookup_include("hardware/quxrt_ccm.h") == "nxp_imx"
    # the bare name stands alone too: it is its own domain's word in the training files (``qux_common_init``)
    assert lex.stems["qux="] == "nxp_imx" and lex.lookup_include("asm/arch/qux-regs.h") == "nxp_imx"
    # one member (``bop32``) is a name, not a family: ``bopper_`` is no stm32_hal word
    assert "bop" not in lex.stems and lex.lookup("bopper_x") is None
    # longer words that begin with the name are in other domains' files (``zedfoo_``): no prefix use
    assert "zed" not in lex.stems and lex.lookup("zedbar_x") is None


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
                 "bl31_", "plat_", "global_data", "lib/mmio", "platform_def", "arch_helpers",
                 # NXP's SDK, i.MX and LPC names and headers, Zephyr's API and headers, CMSIS core types and the
                 # Cortex-M vector/handler names (learned or left to the model since issue 20's seventh round)
                 "kCLOCK_", "kStatus_", "IOMUXC", "BOARD_Init", "fsl_", "MIMX", "LPC_", "PCONP", "PINSEL",
                 "imx_iomux", "mxc", "MXC", "IOMUX_PAD", "mach-imx", "k_thread", "k_sem", "K_THREAD", "K_NO_WAIT",
                 "DT_INST", "DT_NODELABEL", "DEVICE_DT", "LOG_MODULE", "zephyr/", "$(dt_", "NVIC_",
                 "SCB_", "__CORTEX_M", "Reset_Handler", "HardFault_Handler", "SysTick_Handler", "g_pfnVectors",
                 "__isr_vector", "__Vectors")


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
    # the part families, except as the taxonomy's domain names `stm32_hal` and `nxp_imx`
    found += re.findall(r"(?<![A-Za-z])stm32(?!_hal\b)", source)
    found += re.findall(r"(?<![A-Za-z])(?<!nxp_)(?:imx|IMX|mx\[5-8\])", source)
    assert "stm32_hal" in source and "mbedtls" not in source  # the strings are read (the domain names are there)
    assert not found, f"rules.py names libraries or vendor drivers: {found}"
