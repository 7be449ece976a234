"""Whether a source names a repository of ``shared/RESERVED.md`` (kept to check the project, never
used to develop it), for the tests that guard the data recipes.

The list is held as digests: the tests carry no copy of it, and CI has no ``../shared``. Keys are
the lower-cased ``owner/name``, the lower-cased ``name``, the ``name`` with only letters and digits,
and the registry names of the same code (``avrlibc``, ``libmbedtls`` ...).
``test_reserved_digests_match_the_shared_list`` checks them against the file where it is present."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

SHARED_RESERVED = Path(__file__).resolve().parents[2] / "shared" / "RESERVED.md"

# sha256(key)[:16] of every key, made from shared/RESERVED.md as of 2026-12-06
DIGESTS = frozenset({
    "021a519c864c2d93", "026cb688117f8106", "039a0e1e5161e447", "05751ffed91223d1", "0df0b56a891546bc", "0fc466462c559a41",
    "103187bcbbc575ad", "103b73766092ece8", "11d129e588a681d8", "133edf4c4a42a13e", "14d097a7338058f4", "15ab279edb063028",
    "1763ec56cfb3a43b", "1791ff359f32cead", "17f7d2ad84882cb3", "181b0f3cef5ec159", "19b7784ec1d61b6d", "1c162ab48e513249",
    "1c8f34f521e44eeb", "1d77bfb63d29637a", "1dbe3262fa1dbb63", "1fddc1d4f08afd9f", "2050262cfe6c6d3d", "2102fd1d6c27e441",
    "21fd47750f751c99", "22a219f5f1d59f54", "22e46dd1bd16cea8", "22efca0708647cd5", "23737da22c3cd681", "239a220daecba72c",
    "257b189724cb0465", "26d5b58ebfdb2b70", "28b7fe3ac178037f", "2a5e2d797a5193fc", "2ca1b1678db6d702", "2d270e1047602a64",
    "2e93d5988ead4ef8", "2f5afc2d0efca540", "2fec8a4208cf0125", "2fff05276d299143", "323236770a7a40e7", "36cd7c6b1c01c8a1",
    "3a0965d6d4ae551e", "3a1cae24de7a9426", "3b654be7c3245b09", "3b981fdf977818fe", "3ba51a8839fd5d5d", "3fe96a2c85ad7941",
    "41744dcee3e1a471", "4312b6433aa86bee", "44a24e295bbfc13a", "44a63b00f87882b7", "455732a74f099c70", "45b0fc34bda8bae6",
    "482eaec6032abc87", "491ad5858c99935c", "500ad5461f26202e", "5271c376ad845006", "52856879d4bfa1d5", "560d6a0dc24ee012",
    "56631c90edcef6f6", "574a03fa7b386e6f", "57bead7d56742da3", "58a6611fbd350b2a", "5b4bf5a95be2e186", "5b65752c638a3d93",
    "5ce8bd7b6b9d4a47", "5d8e45cfb8890808", "5ee0fc4b47c84b9e", "5fe9081cdb02aaff", "60d918bcd24490b7", "61b47129e742f35c",
    "61f2e49ece58cd4a", "62a97a2c67a31e49", "6330cb84d2513de0", "6619ca7c519ac186", "689882284eeaed0e", "68b5f969be2acc51",
    "695d9a8198e97ca3", "6a390e929430e16a", "6aa8d73482690815", "6abfe206b845a7ef", "6c52a4e8bd0a0a62", "6c65ae421c668845",
    "6c810d7a0d138a57", "6d00348be06d35a2", "6ecb6d15694fe443", "73109bcfd57cc527", "7425ccd54dd1b3ce", "74d54f0018d99024",
    "76d8ec8ef06573bd", "76e802d5ae70554b", "78345d54c816d49a", "78cb375fc80c5832", "7c9c093a30ccff1b", "7c9ff803a1dade4c",
    "7d169336135fb387", "7f51fd9d1b3a1b95", "7f858fd39640bfea", "819ebd6537abc6bc", "836a789f3fdfddb1", "86a927bfaa1e8daa",
    "88d4ea1e6f9cec55", "8a5b971916ba8fb9", "8ae6186f47a527f8", "8ae7e2e5de5e55d6", "8b6097723a4d6d74", "8d3457727ea1b2f1",
    "8e9ccec2f90a3f57", "921a6ae411322af6", "94d71599adc31c2f", "96062605e8c8514a", "9a6e9600a159a0d0", "9a91e0ed208e9596",
    "9dac8ccf719fd3b0", "a18de56cbed4e89b", "a1b4c6039ec27f22", "a2d361e1ec3af309", "a33363d10241667a", "aa9ad7292bc800e0",
    "ad8455a6f0489fbb", "b06b8f8fe8f27fc1", "b2d31b9db1e7fece", "b2fc27de8a3eb1ff", "b34c4c0d98cb7da2", "ba4386f981cdddb7",
    "bb1b828f1a635f4c", "bc3e2e3f94014dc1", "bcf885f9d49f1981", "be9ade1dee93014f", "c35085b281ad118a", "c5dd80d7b979a184",
    "c7b786d56fa97aa7", "c9bbd31628844911", "ca58c7ae3267cf82", "cab128839ab85a63", "ce771e7dc98af066", "cfef6b189893ed7a",
    "d1343058657602db", "d50c00bdfcc4b072", "d6e4872b675067bf", "d84c19ca36ddca53", "db0fb3ef20c5e8bb", "db95e825b4fc4985",
    "de72fceffc5fbb23", "dfbf91e3f1b58637", "e054f9a06c35a1f6", "e15c1380d6c28eb4", "e2688760b2668797", "e5d991e59c97d00d",
    "e6ff7ea384238b7e", "e892e140b732e5d9", "e9a4d1eefd800e80", "eb6afcd1d9db89b5", "ebc81d56116d0ecb", "ed6621f2ac8c2a89",
    "edd81cb855eab430", "ee8b1978463a879b", "ef0c9014d70411bd", "f511636f72ae5cb3", "f5efb3da7729903c", "f7e7eb31ac170789",
    "f86ad64b05402857", "f9e8f6782966204b", "fcd18061636daa7e", "ff440c543fdf8d1e", "ff8e13d883792480",
})


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


def is_reserved(key: str) -> bool:
    """``key`` (an ``owner/name``, a name, or a normalised name) is a reserved repository's."""
    return digest(key.lower()) in DIGESTS


def reserved_named_by(source: str, fetch: str) -> str | None:
    """The reserved key a source names, or None: a ``git:owner/name`` repository exactly, or a registry
    package (``deb:``/``debsrc:``/``pip:`` spec or source name) whose name is, starts with, or (five
    characters or more) contains a reserved project's name."""
    for spec in (source, fetch):
        if spec.startswith("git:"):
            repo = spec[len("git:"):].split("@", 1)[0].lower()
            if is_reserved(repo):
                return repo
            continue
        pkg = norm(re.split(r"==|@", spec.split(":", 1)[-1])[0])
        for size in range(len(pkg), 3, -1):
            for start in range(len(pkg) - size + 1):
                part = pkg[start:start + size]
                if (start == 0 or size >= 5) and is_reserved(part):
                    return part
    return None
