"""Secret and PII detection and redaction with placeholders; pure functions.

Embedded repositories leak a particular set of secrets: Wi-Fi SSID passwords / WPA PSKs in
``#define`` s and config structs, cloud and MQTT keys/tokens, private keys pasted into TLS
examples, and developers' e-mail addresses in headers. ``find_secrets`` returns every match
with its kind and span; ``redact`` replaces each by a placeholder (``<EMAIL>``, ``<KEY>``,
``<TOKEN>``, ``<PASSWORD>``, ``<PRIVATE_KEY>``), the way StarCoder's PII pipeline did, so the
surrounding code still reads naturally. Only the secret value is replaced: in
``#define WIFI_PSK "hunter22"`` the macro name stays.

Patterns are regexes (the provider key formats are public and fixed); assignments are only
taken when the value is a string literal, so ``char *password = buf;`` or
``#define PASSWORD_LEN 16`` are not secrets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PLACEHOLDERS = {
    "email": "<EMAIL>",
    "private_key": "<PRIVATE_KEY>",
    "aws_access_key": "<KEY>",
    "aws_secret_key": "<KEY>",
    "github_token": "<TOKEN>",
    "slack_token": "<TOKEN>",
    "google_api_key": "<KEY>",
    "stripe_key": "<KEY>",
    "jwt": "<TOKEN>",
    "password": "<PASSWORD>",
    "psk": "<PASSWORD>",
    "api_key": "<KEY>",
    "token": "<TOKEN>",
    "url_credentials": "<PASSWORD>",
}

# (kind, pattern, group holding the secret value (0 = whole match), literal prefilter).
# The prefilter is a tuple of groups of literals: the regex can only match a text that holds one
# literal of every group (compared lower-cased when the pattern is case-insensitive), and the
# keyword rules' matches start at the word that holds their first group's literal. Checking the
# literals with ``in`` first skips most regexes on most files, and a keyword rule is tried only
# at those word starts; the results are the same (see ``find_secrets``), which
# tests/hostile/test_secrets.py checks against the unfiltered scan.
_VALUE = r"(?:\(\s*)?(?:L|u8)?\"([^\"\\\n]{4,})\""
_RULES: list[tuple[str, re.Pattern, int, tuple[tuple[str, ...], ...]]] = [
    ("private_key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----.*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----", re.S), 0,
     (("PRIVATE KEY-----",),)),
    ("aws_access_key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), 0, (("AKIA", "ASIA"),)),
    ("github_token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,255}\b|\bgithub_pat_[A-Za-z0-9_]{60,}\b"), 0,
     (("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),)),
    ("slack_token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"), 0, (("xox",),)),
    ("google_api_key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"), 0, (("AIza",),)),
    ("stripe_key", re.compile(r"\b[sr]k_live_[0-9A-Za-z]{20,}\b"), 0, (("k_live_",),)),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\b"), 0, (("eyJ",),)),
    # name = "literal" / name: "literal" / #define NAME "literal" / .name = "literal"
    ("aws_secret_key", re.compile(r"(?i)aws_?secret_?(?:access_?)?key\w*[\"']?\s*(?:[:=]|\s)\s*[\"']([A-Za-z0-9/+=]{40})[\"']"), 1,
     (("aws",), ("secret",))),
    ("psk", re.compile(r"(?i)\b\w*(?:psk|passphrase|wpa_?key|wifi_?pass(?:word)?|wlan_?pass(?:word)?|ap_?pass(?:word)?)\w*(?:\[\w*\])?[\"']?\s*(?:[:=]|\s)\s*(?:\(\s*)?(?:L|u8)?\"([^\"\\\n]{4,63})\""), 1,
     (("psk", "pass", "wpa"),)),
    # WiFi.begin("ssid", "pass"), WiFi.softAP(...), wifi_connect("ssid", "pass"), wifiMulti.addAP(...)
    ("psk", re.compile(r"(?i)\b\w*(?:wi_?fi|wlan|softap)\w*?(?:\.|->|::|_)?\w*?(?:begin|softap|connect|join|addap)\w*\s*\(\s*(?:L|u8)?\"[^\"\\\n]*\"\s*,\s*(?:L|u8)?\"([^\"\\\n]{4,63})\""), 1,
     (("wifi", "wi_fi", "wlan", "softap"), ("begin", "softap", "connect", "join", "addap"))),
    ("password", re.compile(r"(?i)\b\w*(?:password|passwd|pwd|secret)\w*(?:\[\w*\])?[\"']?\s*(?:[:=]|\s)\s*" + _VALUE), 1,
     (("pass", "pwd", "secret"),)),
    # const char *mqtt_pass = "…" / char pass[] = "…" / #define MQTT_PASS "…"
    ("password", re.compile(r"(?i)\b(?:(?:\w+_pass(?:_\w*)?|pass_\w+)(?:\[\w*\])?[\"']?\s*(?:[:=]|\s)|pass(?:\[\w*\])?\s*[:=])\s*" + _VALUE), 1,
     (("pass",),)),
    # strcpy(cfg->password, "…") / strncpy(wifi.psk, "…", n) / memcpy(pass, "…", n)
    ("password", re.compile(r"(?i)\b(?:str[nl]?cpy(?:_s)?|memcpy|strcat)\s*\(\s*[\w.\->\[\]]*(?:pass|pwd|psk|secret)[\w.\->\[\]]*\s*,\s*(?:\w+\s*,\s*)?" + _VALUE), 1,
     (("cpy", "strcat"), ("pass", "pwd", "psk", "secret"))),
    ("api_key", re.compile(r"(?i)\b\w*(?:api_?key|apikey|access_?key|client_?secret)\w*[\"']?\s*(?:[:=]|\s)\s*(?:\(\s*)?\"([A-Za-z0-9_\-+/=.]{12,})\""), 1,
     (("api", "access", "secret"),)),
    ("token", re.compile(r"(?i)\b\w*(?:auth_?token|access_?token|bearer_?token|api_?token)\w*[\"']?\s*(?:[:=]|\s)\s*(?:\(\s*)?\"([A-Za-z0-9_\-+/=.]{12,})\""), 1,
     (("token",),)),
    # https://user:token@host/repo.git: the password part of a URL
    ("url_credentials", re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@\"'<>]+:([^/\s@\"'<>]{3,})@"), 1, (("://",),)),
    ("email", re.compile(r"\b[A-Za-z0-9._%+\-]+@(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,}\b"), 0, (("@",),)),
]
_ICASE = [bool(p.flags & re.IGNORECASE) for _, p, _, _ in _RULES]
# kinds whose value may be a printf format string rather than a secret ("Password: %s")
_FORMAT_CHECKED = frozenset({"psk", "password"})
_FORMAT_SPEC = re.compile(r"%[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|z|j|t|L)?[diouxXeEfFgGcsp]")
_PLAIN_SPECS = frozenset({"%s", "%d", "%i", "%u", "%x", "%X", "%c", "%p", "%f", "%ld", "%lu", "%lx"})

# the only non-ASCII characters re.IGNORECASE matches to ASCII letters (checked over all of Unicode);
# U+0130 is also the only character whose lower case is longer than one, so after this mapping the
# lowered text keeps the text's positions
_FOLD_TO_ASCII = {0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}

# rules whose every match starts at the start of the word holding its first literal group
# (``\b\w*keyword…``, ``\bstrcpy(``): the prefilter tries those starts only
_WORD_START = frozenset({"psk", "password", "api_key", "token"})

# Where find_secrets stops: the reader redacts code as it reads it and leaves the counts here for
# the signal step (metadata key), which then does not scan that document again.
READ_SECRETS_KEY = "secrets_read"

# values that are obviously not secrets (documentation placeholders, empties, format strings)
_NOT_A_SECRET = re.compile(
    r"(?i)^(?:x+|\*+|\.+|-+|your[_\- ]?\w*|<[^>]*>|\$\{?\w+\}?|changeme|password|passwd|secret|none|null|"
    r"example\w*|test|dummy|placeholder|todo|[a-z_]+_here)$"
)
_EXAMPLE_EMAIL = re.compile(r"(?i)@(?:example\.(?:com|org|net)|localhost|domain\.com|email\.com)$")


@dataclass(frozen=True)
class Secret:
    kind: str
    start: int
    end: int

    @property
    def placeholder(self) -> str:
        return PLACEHOLDERS[self.kind]


def _word_start_matches(pattern: re.Pattern, text: str, hay: str, first: tuple[str, ...]):
    """What ``pattern.finditer(text)`` yields, for a keyword rule: its matches start at the start of
    the word holding a literal of ``first`` (``\\b\\w*keyword…``), so only those starts are tried."""
    starts = set()
    for lit in first:
        i = hay.find(lit)
        while i >= 0:
            j = i
            while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "_"):  # what re's \w is
                j -= 1
            starts.add(j)
            i = hay.find(lit, i + 1)
    end = 0
    for s in sorted(starts):
        if s >= end and (m := pattern.match(text, s)) is not None:
            end = m.end()
            yield m


def looks_like_format(value: str) -> bool:
    """A printf format ("Password: %s", "%02x%02x") rather than a secret that holds a '%'."""
    specs = _FORMAT_SPEC.findall(value)
    if not specs:
        return False
    if any(c.isspace() for c in value) or any(sp in _PLAIN_SPECS for sp in specs):
        return True
    return sum(c.isalnum() for c in _FORMAT_SPEC.sub("", value)) < 2


def find_secrets(text: str, prefilter: bool = True) -> list[Secret]:
    """Every secret / PII span in ``text``, sorted and non-overlapping (earlier rule wins).

    ``prefilter`` skips a rule whose literals are absent from the text (the same result, faster).
    Case-insensitive rules look in the lower-cased text, after the four non-ASCII letters that
    ``re.IGNORECASE`` matches to ASCII ones (İ ı ſ K) are mapped to them, so no match is missed.
    """
    found: list[Secret] = []
    taken: list[tuple[int, int]] = []
    lower = (text.lower() if text.isascii() else text.translate(_FOLD_TO_ASCII).lower()) if prefilter else ""
    for (kind, pattern, group, literals), icase in zip(_RULES, _ICASE):
        if prefilter:
            hay = lower if icase else text
            if not all(any(lit in hay for lit in alts) for alts in literals):
                continue
        matches = (_word_start_matches(pattern, text, hay, literals[0]) if prefilter and kind in _WORD_START
                   else pattern.finditer(text))
        for m in matches:
            start, end = m.span(group)
            value = m.group(group)
            if kind == "email":
                if _EXAMPLE_EMAIL.search(value):
                    continue
            elif group and _NOT_A_SECRET.match(value.strip()):
                continue
            if kind in _FORMAT_CHECKED and "%" in value and looks_like_format(value):
                continue
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            found.append(Secret(kind, start, end))
    found.sort(key=lambda s: s.start)
    return found


def redact(text: str, secrets: list[Secret] | None = None) -> tuple[str, list[Secret]]:
    """(text with every secret replaced by its placeholder, the secrets found)."""
    secrets = find_secrets(text) if secrets is None else secrets
    if not secrets:
        return text, secrets
    parts, last = [], 0
    for s in secrets:
        parts.append(text[last:s.start])
        parts.append(s.placeholder)
        last = s.end
    parts.append(text[last:])
    return "".join(parts), secrets


_URL_CREDENTIALS = next(p for k, p, _, _ in _RULES if k == "url_credentials")


def strip_url_credentials(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@host`` replaced by ``<PASSWORD>``
    (only that: a source string such as a repository URL stays recognisable and unique)."""
    return _URL_CREDENTIALS.sub(lambda m: m.group(0).replace(m.group(1), PLACEHOLDERS["url_credentials"]), text)


def secret_counts(secrets: list[Secret]) -> dict[str, int]:
    """kind -> count, sorted by kind (what the signal step stores)."""
    counts: dict[str, int] = {}
    for s in secrets:
        counts[s.kind] = counts.get(s.kind, 0) + 1
    return dict(sorted(counts.items()))
