"""High-precision weak labels: a document → (domain, confidence), or ``None`` to abstain.

Every rule rests on what a domain *is* — the APIs it calls, the headers it includes, the shape
of its files — never on the directory names of one corpus:

* file shapes: devicetree sources and dt-binding schemas (``device_tree``); ARM assembly
  (``arm_cortex_asm``, or ``crypto`` when it uses the ARMv8/NEON crypto instructions); headers
  that are mostly ``#define NAME value`` (``register_defines``; ``amd_gpu_registers`` when most of
  their names carry the learned register-block keys of that domain, ``Lexicon.blocks``: no name
  shape of one header generator is written here).
* API evidence: the distinct identifiers and includes a file uses from each domain's public
  API (algorithm names and the kernel crypto API, USB descriptors and the standard host
  controller interfaces, ieee80211/cfg80211/nl80211 and Bluetooth HCI/L2CAP), and the *learned*
  lexicon of identifier and include prefixes concentrated in one domain's training files
  (``corpus.domains.lexicon``, shipped with the model): the names of particular libraries (crypto,
  USB stacks), driver families, the vendors' HAL/SDK APIs, part-family names (also as the prefix of
  a longer word: ``Lexicon.stems``), and an RTOS's kernel, devicetree and logging API are learned
  there, never written here. A domain wins only with enough distinct hits *and* a clear margin
  over the runner-up; otherwise the rules abstain and the model decides.
* Linux kernel idioms (``MODULE_LICENSE``, ``module_platform_driver``, ``devm_*``,
  ``<linux/...>`` includes) label ``linux_kernel`` when no topical domain dominates and the file
  shows none of the learned markers of firmware that borrows the kernel's headers
  (``Lexicon.not_linux``).

``general`` is never given by a rule: it is what is left, and the model's call.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from typing import TYPE_CHECKING

from firmcorpus.corpus.domains.lexicon import KERNEL_INCLUDE_PREFIXES, Lexicon, code_identifiers, default_lexicon

if TYPE_CHECKING:  # pragma: no cover
    from firmcorpus.parsers.models import CodeFile

# How much of a document the rules read: the APIs and the shape show in the first part.
MAX_CHARS = 200_000

_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INCLUDE_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*[<"]([^>"\n]+)[>"]', re.M)
_DEFINE_RE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*)(\([^)]*\))?[ \t]*(.*)$", re.M)
_NUMBERISH_RE = re.compile(r"^[\s(]*(\([A-Za-z_0-9 \t*]+\))?[\s(]*(0[xX][0-9A-Fa-f]+|\d+)[uUlL]*\b")

# --------------------------------------------------------------------------- API vocabularies
# (pattern over identifiers, weight). A weight-1 pattern is specific to its domain; lower
# weights are for names that also turn up elsewhere.
_API: dict[str, list[tuple[str, float]]] = {
    # the STM32 HAL/LL/StdPeriph and AURIX iLLD/MCAL APIs are not written here: the learned lexicon carries them
    # (their prefixes, mined from the training files of several sources of each)
    "stm32_hal": [],
    "infineon_aurix": [],
    # NXP's APIs (SDK drivers, i.MX pad and part-family names, LPC registers) and include names are learned
    # (``lexicon``: prefixes, part-family keys and include folders of several NXP sources), not listed here
    "nxp_imx": [],
    # Zephyr's kernel, devicetree and logging API is learned (``lexicon.STRICT_DOMAINS``: prefixes shared by several
    # Zephyr sources and spread over their folders), not listed here
    "zephyr_rtos": [],
    "crypto": [
        (r"crypto_(register|unregister|alloc|free|skcipher|shash|ahash|aead|akcipher|kpp|rng|"
         r"engine|cipher|tfm)[a-z0-9_]*|(skcipher|shash|ahash|aead|akcipher|kpp)_[a-z_]+", 1.0),
        (r"(aes|sha1|sha224|sha256|sha384|sha512|sha3|md5|des|des3|chacha20|chacha|poly1305|gcm|ccm|"
         r"xts|hmac|rsa|ecdsa|ecdh|ecc|curve25519|ed25519|x25519|blake2s|blake2b|sm3|sm4|camellia|aria|"
         r"blowfish|twofish|serpent|cast5|cast6|cmac|ghash|siphash|kdf|hkdf|pkcs[0-9]*|drbg)_[a-z0-9_]+", 0.5),
        (r"(AES|SHA|SHA1|SHA256|SHA512|RSA|ECC|HMAC|DES|MD5|GCM|CCM|CMAC|CHACHA|POLY1305|ECDSA|ECDH)"
         r"_[A-Z0-9_]+", 0.34),
    ],
    "usb_stack": [
        # the stack itself: host controllers, hub/HCD core, gadget/composite framework, device stacks
        (r"usb_(gadget|ep|composite|function|hcd|hub|otg|phy|role|add_hcd|remove_hcd|create_hcd|"
         r"put_hcd|hcd_[a-z_]+|ep_[a-z_]+|gadget_[a-z_]+|string_ids_[a-z_]+|descriptor_fillbuf|"
         r"gstrings_attach|interface_id|otg_[a-z_]+|copy_descriptors|free_all_descriptors|"
         r"assign_descriptors|roothub_[a-z_]+|root_hub_[a-z_]+|new_device|disconnect|set_device_state)[a-z0-9_]*", 1.0),
        (r"USB_(DT|REQ|TYPE|RECIP|DIR|CLASS|SPEED|STATE|ENDPOINT_XFER|PORT_STAT|PORT_FEAT|HUB)_[A-Z0-9_]+", 0.5),
        # the standard host controller interfaces and generic device/host controller driver names
        (r"(xhci|ehci|ohci|uhci|udc|gadget|hcd|dcd)_[a-z0-9_]+", 1.0),
        (r"b(DescriptorType|EndpointAddress|mAttributes|NumEndpoints|DeviceClass|MaxPacketSize0|"
         r"NumConfigurations|ConfigurationValue|mRequestType)|w(MaxPacketSize|TotalLength)", 0.5),
        (r"(URB|XHCI|EHCI|OHCI|TRB|GADGET|UDC)_[A-Z0-9_]+", 0.5),
        # a class driver *using* USB (HID, serial, storage) is not a USB stack: weak evidence only
        (r"usb_[a-z0-9_]+|urb[a-z_]*", 0.2),
    ],
    "wireless_ble_wifi": [
        (r"(ieee80211|cfg80211|nl80211|mac80211|wiphy|rate_control|mesh|wl|wlan|wifi|wpa)_[a-z0-9_]+", 1.0),
        (r"(IEEE80211|NL80211|CFG80211|WLAN|WIPHY|WIFI|WPA|WMM|HT|VHT|HE|EHT)_[A-Z0-9_]+", 1.0),
        (r"(hci|l2cap|rfcomm|sco|bnep|hidp|cmtp|smp|mgmt|gatt|att|gap|ble|bt|btle|le|sdp|avdtp|avrcp|"
         r"a2dp|hfp|mesh)_[a-z0-9_]+", 0.5),
        (r"(HCI|L2CAP|RFCOMM|SCO|MGMT|GATT|ATT|GAP|BLE|BT|LE|SMP|SDP|BDADDR)_[A-Z0-9_]+", 0.5),
        (r"Gap[A-Z][A-Za-z]+|Gatt[A-Z][A-Za-z]+|BLE[A-Z][A-Za-z]*|sk_buff|bdaddr_t|bdaddr", 0.5),
    ],
}
_API_RE = {d: [(re.compile(rf"(?:{p})\Z"), w) for p, w in pats] for d, pats in _API.items()}
# One alternation per domain (a named group per pattern): one match call per identifier and domain
# instead of one per pattern; the first alternative that matches is the one the loop would take.
_API_ALT = {d: re.compile("|".join(f"(?P<p{i}>(?:{p})\\Z)" for i, (p, _) in enumerate(pats)))
            for d, pats in _API.items() if pats}
_API_W = {d: {f"p{i}": w for i, (_, w) in enumerate(pats)} for d, pats in _API.items()}
# Any domain's pattern: most identifiers (ret, dev, buf ...) match none and cost one call.
_API_ANY = re.compile("|".join(f"(?:{p})\\Z" for pats in _API.values() for p, _ in pats))

_INCLUDE_HINTS: list[tuple[str, str, float]] = [
    # (domain, include pattern matched against the include path, weight); a vendor's or an RTOS's own header
    # names are learned (``lexicon``: include folders, file-name prefixes and part-family names)
    ("crypto", r"crypto/.*\.h", 2.0),
    ("usb_stack", r"(linux/usb|usb)/.*\.h|(.*/)?(usb|usbd|usbh|ehci|xhci|ohci|ch9|usbdevice)[a-z0-9_]*\.h", 1.5),
    ("wireless_ble_wifi", r"(net/(mac80211|cfg80211|bluetooth/.*|ieee80211.*)|(.*/)?(nl80211|ieee80211|"
                          r"cfg80211|mac80211|hci|l2cap|bluetooth|gatt|ble|BLE)[a-z0-9_]*)\.h|bluetooth/.*\.h|ble/.*\.h", 2.0),
]
_INCLUDE_RE_HINTS = [(d, re.compile(rf"(?:{p})\Z"), w) for d, p, w in _INCLUDE_HINTS]

_LINUX_IDENTS = re.compile(
    r"(MODULE_LICENSE|MODULE_AUTHOR|MODULE_DESCRIPTION|MODULE_DEVICE_TABLE|module_init|module_exit|"
    r"module_platform_driver|module_i2c_driver|module_spi_driver|module_pci_driver|module_usb_driver|"
    r"EXPORT_SYMBOL|EXPORT_SYMBOL_GPL|platform_driver|of_device_id|of_match_ptr|net_device_ops|"
    r"file_operations|devm_[a-z_]+|kzalloc|kfree|kmalloc|spin_lock_irqsave|mutex_lock|dev_err|dev_info|"
    r"dev_dbg|dev_warn|pr_err|pr_info|pr_debug|printk|copy_from_user|copy_to_user|container_of|"
    r"list_for_each_entry|GFP_KERNEL|__init|__exit|IS_ERR|PTR_ERR|ERR_PTR|regmap_[a-z_]+|"
    r"request_irq|platform_get_resource|of_property_read_[a-z0-9_]+)\Z"
)
# A boot loader's or secure firmware's driver includes <linux/...> compat headers too; what marks it as not
# Linux is learned (``Lexicon.not_linux``: names and includes of the training sources that borrow the kernel's
# headers without being a kernel tree), not listed here.

_ARM_ASM_RE = re.compile(
    r"^\s*(?:[A-Za-z_.$][\w.$]*:\s*)?(ldr|str|ldrb|strb|ldrh|strh|ldm|stm|ldmia|stmia|stmdb|ldmfd|stmfd|"
    r"bx|blx|bl|b|beq|bne|cbz|cbnz|mrs|msr|mcr|mrc|cpsid|cpsie|push|pop|adr|adrp|ret|eret|isb|dsb|dmb|"
    r"wfi|wfe|svc|movw|movt|ldp|stp|tbz|tbnz|subs|adds|orr|bic|lsl|lsr|ubfx|bfi|it|ite|itt)\b",
    re.M | re.I,
)
_ARM_DIRECTIVE_RE = re.compile(r"^\s*\.(thumb|thumb_func|syntax\s+unified|cpu\s+cortex|arch\s+armv|arm\b|fpu\b|"
                               r"eabi_attribute|code\s+(16|32))", re.M | re.I)
_ARM_REG_RE = re.compile(r"\b(r1[0-5]|r[0-9]|sp|lr|pc|x[0-9]{1,2}|w[0-9]{1,2}|cpsr|spsr|primask|basepri|msp|psp)\b",
                         re.I)
_AVR_X86_ASM_RE = re.compile(r"^\s*(rjmp|rcall|ldi|reti|sbi|cbi|sbis|sbic|lpm|movl|movq|%e?[a-d]x|pushl|popl|"
                             r"mov\s+%|jmp\s+\*|xorl)\b", re.M | re.I)
_CRYPTO_ASM_RE = re.compile(r"\b(aese|aesd|aesmc|aesimc|sha1c|sha1h|sha1m|sha1p|sha256h2?|sha256su[01]|"
                            r"sha512h2?|sha512su[01]|pmull2?|vmull\.p64|eor3|rax1|xar|bcax|sm3[a-z0-9]*|sm4e[a-z]*)\b",
                            re.I)
# Cortex-M vector tables and core headers written in C are left to the model (no list of core type, vector-table or
# exception-handler names here: without one, dev arm_cortex_asm F1 0.95 / 0.94 -> 0.96 / 0.96 with / without folder
# context, issue 20 round 7); assembly start-up files are still recognised by their instructions and directives
_DTS_RE = re.compile(r"^\s*/dts-v1/\s*;|^\s*/\s*\{|compatible\s*=\s*\"", re.M)
_DT_BINDING_RE = re.compile(r"^\$(id|schema):\s*['\"]?https?://devicetree\.org/", re.M)

_REG_NAME_RE = re.compile(r"(_MASK|_SHIFT|_Msk|_Pos|_OFFSET|_OFS|_ADDR|_BASE|_REG|_BIT|_BM|_BP|_gp|_gm|_bp|_bm)\Z|"
                          r"^(BIT|PIN|P)[0-9]+$|[A-Z]+[0-9]+\Z")
_SFR_DECL_RE = re.compile(r"^\s*(__sfr|__sbit|__sfr16|__sfr32|SFR|SBIT|sfr|sbit|sfrb|sfrw|sfra|__at)\b.*$", re.M)

_ASM_EXT = (".s", ".S", ".asm", ".inc")
_KCONFIG_DOMAINS = ("linux_kernel", "zephyr_rtos")  # the taxonomy's domains that configure with Kconfig
_HEADER_EXT = (".h", ".hpp", ".hh", ".inc")

_MIN_EVIDENCE = 3.0  # weighted distinct hits a domain needs
_FAINT = 0.2  # patterns this light count together as at most one hit
_MARGIN = 2.0  # ... and how many times the runner-up's evidence
_LEARNED_WEIGHT = 1.0  # an identifier whose prefix the learned lexicon gives to a domain
_LEARNED_INCLUDE_WEIGHT = 2.0  # an include whose folder or name prefix it gives to a domain
# Register headers of a domain told by its learned register-block keys (``Lexicon.blocks``; issue 20 round 10, dev):
# a file with at least _BLOCK_SUPPORT names of a block domain shows some evidence of it; a register header whose
# block names reach _BLOCK_RULE names and _BLOCK_SHARE of its register-ish lines is labelled so by the rule; one
# in between is left to the model (the rule abstains rather than call it ``register_defines``).
_BLOCK_SUPPORT = 5
_BLOCK_RULE = 20
_BLOCK_SHARE = 0.3
_BLOCK_ABSTAIN_SHARE = 0.1


def _suffix(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


def includes_of(text: str, codefile: "CodeFile | None" = None) -> list[str]:
    if codefile is not None and codefile.includes:
        return list(codefile.includes)
    return _INCLUDE_RE.findall(text)


def identifiers(text: str) -> Counter:
    return Counter(_IDENT_RE.findall(text))


def api_evidence(idents: Counter | set, includes: list[str], lexicon: Lexicon | None = None) -> dict[str, float]:
    """Weighted count of distinct API identifiers (and includes) each domain's vocabulary matches.

    Two vocabularies: the hand-written one above (what a domain's standards and its own API are
    called) and the learned ``lexicon`` (identifier and include prefixes concentrated in one
    domain's training files, ``corpus.domains.lexicon``; the shipped model's when ``None``). An
    identifier or include counts once per domain, at the larger of the two weights."""
    lexicon = default_lexicon() if lexicon is None else lexicon
    entries = lexicon.entries
    scores = {d: 0.0 for d in _API}
    faint = {d: 0.0 for d in _API}
    for ident in idents:
        if len(ident) < 4:
            continue
        learned = lexicon.lookup(ident) if entries else None
        if _API_ANY.match(ident) is None:
            if learned in scores:
                scores[learned] += _LEARNED_WEIGHT
            continue
        for d, rx in _API_ALT.items():
            m = rx.match(ident)
            if m is not None:
                w = _API_W[d][m.lastgroup]
                if d == learned:
                    w, learned = max(w, _LEARNED_WEIGHT), None
                if w <= _FAINT:
                    faint[d] += w
                else:
                    scores[d] += w
        if learned in scores:
            scores[learned] += _LEARNED_WEIGHT
    for d, v in faint.items():
        # names that merely *use* a domain (a HID driver calling usb_*) add up to one hit at most
        scores[d] += min(v, 1.0)
    for inc in includes:
        learned = lexicon.lookup_include(inc) if entries else None
        for d, rx, w in _INCLUDE_RE_HINTS:
            if rx.match(inc):
                if d == learned:
                    w, learned = max(w, _LEARNED_INCLUDE_WEIGHT), None
                scores[d] += w
        if learned in scores:
            scores[learned] += _LEARNED_INCLUDE_WEIGHT
    return scores


def define_stats(text: str) -> tuple[int, int, int, int]:
    """(defines with a numeric-ish value, code lines, function-like defines, register-shaped defines).

    Register-shaped: a hex value, a shift, or a register/field name suffix (``_MASK``, ``_SHIFT``,
    ``_Msk``, ``_Pos``, ``_OFFSET``, ``_ADDR``, ``_BASE``, ``_REG``) — what separates a register
    map from a configuration header of ``#define OPTION 1`` lines.
    """
    numeric = 0
    funclike = 0
    regshaped = 0
    for name, args, value in _DEFINE_RE.findall(text):
        if args:
            funclike += 1
        elif _NUMBERISH_RE.match(value) or re.match(r"\s*[A-Za-z_]\w*\s*\(\s*0[xX][0-9A-Fa-f]+", value):
            numeric += 1
            if "0x" in value or "0X" in value or "<<" in value or _REG_NAME_RE.search(name):
                regshaped += 1
    code_lines = 0
    in_comment = False
    for line in text.splitlines():
        s = line.strip()
        if in_comment:
            if "*/" in s:
                in_comment = False
            continue
        if not s or s.startswith("//"):
            continue
        if s.startswith("/*"):
            if "*/" not in s:
                in_comment = True
            continue
        code_lines += 1
    return numeric, code_lines, funclike, regshaped


@functools.lru_cache(maxsize=4)
def _analysis(text: str, includes_key: tuple[str, ...] | None, lexicon: Lexicon | None
              ) -> tuple[Counter, list[str], dict[str, float], tuple[int, int, int, int], dict[str, int]]:
    """Identifiers, includes, API evidence, define statistics and register-block hits of one text (shared by both
    rules)."""
    idents = identifiers(text)
    includes = list(includes_key) if includes_key else _INCLUDE_RE.findall(text)
    return idents, includes, api_evidence(set(idents), includes, lexicon), define_stats(text), \
        block_hits(idents, lexicon)


def _analyse(text: str, codefile: "CodeFile | None", lexicon: Lexicon | None = None):
    key = tuple(codefile.includes) if codefile is not None and codefile.includes else None
    return _analysis(text, key, lexicon)


def _asm_label(text: str) -> tuple[str, float] | None:
    if _AVR_X86_ASM_RE.search(text):
        return None
    mnemonics = {m.lower() for m in _ARM_ASM_RE.findall(text)}
    directives = _ARM_DIRECTIVE_RE.findall(text)
    regs = len(_ARM_REG_RE.findall(text))
    if len(_CRYPTO_ASM_RE.findall(text)) >= 4:
        return "crypto", 0.9
    if (len(mnemonics) >= 4 and regs >= 8) or (directives and len(mnemonics) >= 2):
        return "arm_cortex_asm", 0.9
    return None


def weak_label(path: str, text: str, language: str, codefile: "CodeFile | None" = None,
               lexicon: Lexicon | None = None) -> tuple[str, float] | None:
    """A high-precision label for one document, or ``None`` to abstain.

    ``path`` is used only for its file type (suffix); ``language`` is the code parser's
    (``c|cpp|asm|devicetree|kconfig|linker|other``); ``codefile`` (optional) supplies
    includes already parsed; ``lexicon`` the learned API prefixes (the shipped model's when
    ``None``). Confidence is in (0, 1]; the step trusts labels ≥ 0.8.
    """
    text = text[:MAX_CHARS]
    suffix = _suffix(path)
    lang = (language or "").lower()

    # --- file shapes that define a domain on their own
    if lang == "devicetree" or suffix in (".dts", ".dtsi", ".dtso", ".overlay"):
        return "device_tree", 0.99
    if suffix in (".yaml", ".yml") and _DT_BINDING_RE.search(text):
        return "device_tree", 0.99
    if lang == "kconfig" or path.rsplit("/", 1)[-1].startswith("Kconfig"):
        # a Kconfig file is an operating system's: the one whose learned symbols (devicetree, ``CONFIG_``) it uses
        ranked = sorted(api_evidence(set(identifiers(text)), [], lexicon).items(), key=lambda kv: (-kv[1], kv[0]))
        (best, top), (_, second) = ranked[0], ranked[1]
        return (best, 0.85) if best in _KCONFIG_DOMAINS and top >= 1.0 and top >= _MARGIN * second else None
    if lang == "asm" or suffix in (".s", ".S", ".asm"):
        return _asm_label(text)
    if lang not in ("c", "cpp", "") and suffix not in (".c", ".h", ".cpp", ".cc", ".hpp", ".cxx", ".hh", ".inc"):
        return None

    idents, includes, ev, (numeric, code_lines, funclike, regshaped), blocks = _analyse(text, codefile, lexicon)

    # --- register headers: mostly `#define NAME value`, with register-shaped values or names
    if suffix in _HEADER_EXT or lang in ("c", "cpp"):
        sfr = len(_SFR_DECL_RE.findall(text))
        # bit-field accessors (`#define S_..._FIELD(x) (((x) & 0x3) << 4)`) belong to register headers too
        regish = numeric + sfr + funclike
        if code_lines and numeric + sfr >= 15 and regish / code_lines >= 0.6 and \
                regshaped + sfr >= 0.5 * (numeric + sfr):
            block, hits = max(blocks.items(), key=lambda kv: (kv[1], kv[0])) if blocks else (None, 0)
            if hits >= _BLOCK_RULE and hits >= _BLOCK_SHARE * regish:
                return block, 0.97
            best = max(ev, key=ev.get)
            # a vendor library header full of defines (its own API names among them) belongs to its vendor
            if best in ("stm32_hal", "infineon_aurix", "nxp_imx", "zephyr_rtos") and ev[best] >= 10 and \
                    _has_function_api(idents, best, lexicon):
                return best, 0.85
            if hits >= _BLOCK_SUPPORT and hits >= _BLOCK_ABSTAIN_SHARE * regish:
                return None  # a register header of that domain or not: the model decides
            return "register_defines", 0.9 if regish / code_lines >= 0.8 else 0.85

    # --- API evidence; plainly Linux code needs twice the evidence to be called a topical domain
    # (a kernel HID or network driver that calls some USB or crypto helpers is still a kernel driver)
    ranked = sorted(ev.items(), key=lambda kv: (-kv[1], kv[0]))
    (best, top), (_, second) = ranked[0], ranked[1]
    linux_inc, linux_ids, not_linux = _linux_markers(idents, includes, lexicon, text)
    is_linux = not_linux == 0 and linux_inc >= 2 and linux_ids >= 4
    needed = _MIN_EVIDENCE * 2 if is_linux else _MIN_EVIDENCE
    if top >= needed and top >= _MARGIN * second:
        conf = min(0.97, 0.8 + 0.015 * top)
        return best, round(conf, 3)

    # --- Linux kernel idioms, when no topical domain dominates
    if is_linux:
        return "linux_kernel", 0.85 if linux_ids >= 8 else 0.8
    return None


def block_hits(idents, lexicon: Lexicon | None = None) -> dict[str, int]:
    """Distinct identifiers carrying each block domain's learned register-block keys (``Lexicon.blocks``)."""
    lexicon = default_lexicon() if lexicon is None else lexicon
    if not lexicon.blocks:
        return {}
    out: Counter = Counter()
    for i in idents:
        if len(i) >= 4:
            d = lexicon.block(i)
            if d is not None:
                out[d] += 1
    return dict(out)


def _has_function_api(idents: Counter, domain: str, lexicon: Lexicon | None = None) -> bool:
    """True when a define-heavy header also names the vendor's API types/functions (not just registers):
    names of the domain's hand-written vocabulary at full weight, or of its learned lexicon."""
    strong = [rx for rx, w in _API_RE[domain] if w >= 1.0]
    lexicon = default_lexicon() if lexicon is None else lexicon
    return sum(1 for i in idents if any(rx.match(i) for rx in strong) or
               (lexicon.entries and len(i) >= 4 and lexicon.lookup(i) == domain)) >= 5


def _linux_markers(idents, includes: list[str], lexicon: Lexicon | None = None, text: str = "") -> tuple[int, int, int]:
    linux_inc = sum(1 for inc in includes if inc.startswith(KERNEL_INCLUDE_PREFIXES))
    linux_ids = sum(1 for i in idents if _LINUX_IDENTS.match(i))
    not_linux = 0
    lexicon = default_lexicon() if lexicon is None else lexicon
    if linux_inc and lexicon.not_linux:  # learned markers of firmware that borrows the kernel's headers
        not_linux = sum(1 for i in code_identifiers(text) if len(i) >= 4 and lexicon.not_linux_ident(i)) + \
            sum(1 for inc in includes if lexicon.not_linux_include(inc))
    return linux_inc, linux_ids, not_linux


def supported_domains(path: str, text: str, language: str, codefile: "CodeFile | None" = None,
                      lexicon: Lexicon | None = None) -> set[str]:
    """Domains a document shows at least *some* evidence for (a necessary condition, not a label).

    The step lets the model pick only among these, so a model trained on a few packages cannot
    call a file ``stm32_hal`` that shows no evidence of it, or ``linux_kernel`` code that includes no
    kernel header. ``general`` is always supported.
    """
    text = text[:MAX_CHARS]
    suffix = _suffix(path)
    lang = (language or "").lower()
    out = {"general"}
    if lang == "devicetree" or suffix in (".dts", ".dtsi", ".dtso", ".overlay") or "/dts-v1/" in text or \
            (suffix in (".yaml", ".yml") and "compatible" in text):
        out.add("device_tree")
    if lang == "asm" or suffix in (".s", ".S", ".asm"):
        out.add("arm_cortex_asm")
        if _CRYPTO_ASM_RE.search(text):
            out.add("crypto")
    idents, includes, ev, (numeric, code_lines, funclike, regshaped), blocks = _analyse(text, codefile, lexicon)
    if _DTS_RE.search(text[:20_000]) and "compatible" in idents:
        out.add("device_tree")
    out.update(d for d, v in ev.items() if v >= 1.0)
    if regshaped + len(_SFR_DECL_RE.findall(text)) >= 8:
        out.add("register_defines")
    out.update(d for d, n in blocks.items() if n >= _BLOCK_SUPPORT)
    linux_inc, linux_ids, not_linux = _linux_markers(idents, includes, lexicon, text)
    if not_linux == 0 and (linux_inc >= 1 or linux_ids >= 3):
        out.add("linux_kernel")
    if lang == "kconfig" or path.rsplit("/", 1)[-1].startswith("Kconfig"):
        out.update(_KCONFIG_DOMAINS)
    return out

