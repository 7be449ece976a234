"""Token shards for the CPU training run until ``firmcorpus build`` writes OUT/tokens/{train,heldout}.

Real embedded code from unpacked Debian packages, split **by package** (held-out repositories
are never seen in training), tokenised with the SmolLM2 tokenizer by datatrove's DocumentTokenizer.

    train:   arduino-core-avr, msp430mcu, sdcc-libraries, microbit-micropython
             (nRF51 SDK, mbed), openocd, linux-6.1 drivers/{i2c,spi,gpio}
             (avr-libc, 3 MB of the earlier runs, is out: the packaging of a reserved repository,
             ../shared/RESERVED.md)
    heldout: ubertooth-firmware-source (LPC175x firmware)      -> heldout/mcu_firmware
             openrazer / digimend / v4l2loopback DKMS drivers  -> heldout/kernel_drivers

Decontamination: a held-out file whose exact text or file name also occurs in the training
packages is dropped from training (CMSIS core headers are vendored everywhere).

    python bench/train_cpu_corpus.py --out /tmp/fc-train-data/tokens [--src /tmp/fc-data]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tarfile
from pathlib import Path

EXTS = {".c", ".h", ".S", ".s", ".cpp", ".cc", ".hpp", ".cfg", ".tcl", ".ld"}
MAX_FILE_BYTES = 64_000  # very large generated headers (msp430mcu) are cut here
TRAIN = {
    "arduino-core-avr": ("unpacked/arduino-core-avr", 1_000_000),
    "msp430mcu": ("unpacked/msp430mcu", 1_500_000),
    "sdcc-libraries": ("unpacked/sdcc-libraries", 1_500_000),
    "microbit-micropython": ("unpacked/debsrc-firmware-microbit-micropython", 2_500_000),
    "openocd": ("unpacked/openocd", 1_000_000),
    "linux-drivers": ("linux-6.1/drivers", 3_000_000),
}
LINUX_SUBDIRS = ("i2c", "spi", "gpio")
HELDOUT = {
    "mcu_firmware": ["ubertooth"],
    "kernel_drivers": ["unpacked/openrazer-driver-dkms", "unpacked/digimend-dkms", "unpacked/v4l2loopback-dkms"],
}


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in EXTS and not p.is_symlink())


def read(p: Path) -> str | None:
    raw = p.read_bytes()[:MAX_FILE_BYTES]
    if b"\x00" in raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    return text if len(text.strip()) >= 200 else None


def ubertooth_tree(src: Path, work: Path) -> Path:
    dest = work / "ubertooth"
    if not dest.is_dir():
        tar = src / "unpacked/ubertooth-firmware-source/usr/src/ubertooth-firmware-source.tar.gz"
        with tarfile.open(tar) as tf:
            tf.extractall(dest, filter="data")
    return dest


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default="/tmp/fc-data")
    ap.add_argument("--out", default="/tmp/fc-train-data/tokens")
    ap.add_argument("--tokenizer", default="smollm2-135m")
    args = ap.parse_args()
    src, out = Path(args.src), Path(args.out)
    work = out.parent
    work.mkdir(parents=True, exist_ok=True)

    from firmcorpus.train.data import tokenize_texts_to_shards

    heldout: dict[str, list[tuple[str, str]]] = {}
    for domain, roots in HELDOUT.items():
        docs = []
        for r in roots:
            root = ubertooth_tree(src, work) if r == "ubertooth" else src / r
            for p in files_under(root):
                if (t := read(p)) is not None:
                    docs.append((str(p.relative_to(root)), t))
        heldout[domain] = docs
    held_hashes = {hashlib.sha256(t.encode()).hexdigest() for d in heldout.values() for _, t in d}
    held_names = {Path(n).name for d in heldout.values() for n, _ in d}

    train_docs, stats = [], {}
    for pkg, (rel, budget) in TRAIN.items():
        root = src / rel
        paths = [p for sub in LINUX_SUBDIRS for p in files_under(root / sub)] if pkg == "linux-drivers" \
            else files_under(root)
        # deterministic sample: order by a hash of the path, take files until the byte budget is spent
        paths.sort(key=lambda p: hashlib.sha1(str(p.relative_to(root)).encode()).hexdigest())
        used = dropped = 0
        n = 0
        for p in paths:
            t = read(p)
            if t is None:
                continue
            if p.name in held_names or hashlib.sha256(t.encode()).hexdigest() in held_hashes:
                dropped += 1
                continue
            train_docs.append(t)
            used += len(t)
            n += 1
            if used >= budget:
                break
        stats[pkg] = {"files": n, "chars": used, "dropped_overlap": dropped}
    for domain, docs in heldout.items():
        stats[f"heldout/{domain}"] = {"files": len(docs), "chars": sum(len(t) for _, t in docs)}
        tokenize_texts_to_shards([t for _, t in docs], args.tokenizer, out / "heldout" / domain)
    tokenize_texts_to_shards(train_docs, args.tokenizer, out / "train", shuffle=True, seed=0)
    (out / "corpus_stats.json").write_text(json.dumps(stats, indent=1))
    print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
