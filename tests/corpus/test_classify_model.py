"""The fastText domain model and the DomainClassifier step: round trip, scores, shipped model."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_classify_snippets_data import SNIPPETS  # noqa: E402

from firmcorpus.core.documents import DOMAINS  # noqa: E402
from firmcorpus.corpus.domains.features import language_of  # noqa: E402
from firmcorpus.corpus.domains.model import DomainModel, TrainConfig, default_model_path  # noqa: E402


def _rows():
    # each excerpt's halves and the whole: enough for a tiny real model
    rows = []
    for dom, (_, name, text) in sorted(SNIPPETS.items()):
        lines = text.splitlines()
        half = len(lines) // 2
        for part in (text, "\n".join(lines[:half]), "\n".join(lines[half:])):
            rows.append((part, name, language_of(name), dom))
    return rows


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    cfg = TrainConfig(epoch=60, lr=1.0, bucket=20_000, dim=16, min_count=1, quantize=False)
    model = DomainModel.train(_rows(), cfg)
    path = model.save(tmp_path_factory.mktemp("m") / "tiny.bin")
    return model, path, cfg


def test_round_trip_predictions_identical(tiny_model):
    model, path, _ = tiny_model
    loaded = DomainModel.load(path)
    for _, name, text in SNIPPETS.values():
        a = model.predict(text, path=name)
        b = loaded.predict(text, path=name)
        assert a == b


def test_scores_cover_all_domains_and_sum_to_one(tiny_model):
    model, _, _ = tiny_model
    for _, name, text in SNIPPETS.values():
        s = model.predict(text, path=name)
        assert list(s) == list(DOMAINS)
        assert math.isclose(sum(s.values()), 1.0, abs_tol=1e-6)
        assert all(0.0 <= v <= 1.0 for v in s.values())


def test_training_is_deterministic(tiny_model, tmp_path):
    _, path, cfg = tiny_model
    again = DomainModel.train(_rows(), cfg).save(tmp_path / "again.bin")
    assert again.read_bytes() == path.read_bytes()


def test_tiny_model_learns_its_training_set(tiny_model):
    model, _, _ = tiny_model
    hits = sum(max(s := model.predict(t, path=n), key=s.get) == d for d, (_, n, t) in SNIPPETS.items())
    assert hits >= 11  # of 13


def test_unknown_domain_refused():
    with pytest.raises(ValueError, match="unknown domain"):
        DomainModel.train([("x", "a.c", "c", "bogus")], TrainConfig(quantize=False))


def test_missing_model_says_how_to_get_one(tmp_path):
    with pytest.raises(FileNotFoundError, match="classify train"):
        DomainModel.load(tmp_path / "nope.ftz")


# --------------------------------------------------------------------------- shipped model + step


def test_shipped_model_small_and_complete():
    path = default_model_path()
    assert path.exists(), "corpus/domains/default_model.ftz is missing: run `firmcorpus classify train`"
    assert path.stat().st_size < 10 * 1024 * 1024
    model = DomainModel.load()
    trained = set(model.labels)
    # every domain with registry training data is in the shipped model
    assert {"linux_kernel", "device_tree", "amd_gpu_registers", "wireless_ble_wifi", "usb_stack", "crypto",
            "arm_cortex_asm", "register_defines", "stm32_hal", "nxp_imx", "general"} <= trained
    meta = json.loads(path.with_suffix(".json").read_text())
    assert meta["config"]["quantize"] is True and meta["files"] > 1000


def test_step_labels_every_snippet_and_keeps_category():
    from datatrove.data import Document

    from firmcorpus.corpus.steps.classify import DomainClassifier

    docs = [Document(text=text, id=dom, metadata={"kind": "code", "path": name, "language": language_of(name),
                                                   "category": "MCU"})
            for dom, (_, name, text) in SNIPPETS.items()]
    docs.append(Document(text="The STM32F4 reference manual. " * 20, id="ds",
                         metadata={"kind": "datasheet", "path": "rm.pdf", "category": "MCU"}))
    step = DomainClassifier(directory_context=False)  # unrelated snippets side by side: no folder to share
    out = list(step.run(iter(docs)))
    assert len(out) == len(docs)
    for d in out:
        md = d.metadata
        assert md["category"] == "MCU"
        assert md["domain"] in DOMAINS
        assert list(md["domain_scores"]) == list(DOMAINS)
        assert math.isclose(sum(md["domain_scores"].values()), 1.0, abs_tol=1e-6)
        assert max(md["domain_scores"], key=md["domain_scores"].get) == md["domain"]
    by_id = {d.id: d.metadata for d in out}
    for dom in SNIPPETS:
        assert by_id[dom]["domain"] == dom, (dom, by_id[dom]["domain_source"], by_id[dom]["domain_model"])
    assert by_id["ds"]["domain"] == "stm32_hal" and by_id["ds"]["domain_source"] == "datasheet"
    stats = step.stats.to_dict()["stats"]
    assert stats["by_rule"] == 12 and stats["by_datasheet"] == 1 and stats["by_model"] == 1
    # rules and the datasheet rule (a counter that was never incremented is absent)
    assert stats.get("rule_model_agree", 0) + stats.get("rule_model_disagree", 0) == 13


def test_directory_context_lends_the_folder_domain():
    """A file that names nothing of its own takes the domain its folder's files share."""
    from datatrove.data import Document

    from firmcorpus.corpus.steps.classify import DomainClassifier

    _, name, text = SNIPPETS["usb_stack"]
    # a small list helper: unsure on its own (the shipped model splits it between general and others)
    tiny = ("/* list helpers */\nstruct node { struct node *next; int value; };\n"
            "int list_len(struct node *n) { int k = 0; for (; n; n = n->next) k++; return k; }\n")
    docs = [Document(text=text, id=f"u{i}", metadata={"kind": "code", "path": f"src/hc/x{i}.c", "repo": "r"})
            for i in range(3)]
    docs.append(Document(text=tiny, id="small", metadata={"kind": "code", "path": "src/hc/small.h", "repo": "r"}))
    docs.append(Document(text=tiny, id="alone", metadata={"kind": "code", "path": "lib/small.h", "repo": "r"}))
    # the margin is held at 1 so that this checks the folder mechanism, not the shipped (learned) margin
    step = DomainClassifier(folder_weight=0.8, general_margin=1.0)
    with_ctx = {d.id: d.metadata for d in step.run(iter(docs))}
    assert with_ctx["small"]["domain"] == "usb_stack" and with_ctx["small"]["domain_source"] == "directory"
    assert with_ctx["alone"]["domain_source"] != "directory"  # alone in its folder
    docs2 = [Document(text=d.text, id=d.id, metadata={k: v for k, v in d.metadata.items() if not k.startswith("domain")})
             for d in docs]
    no_ctx = {d.id: d.metadata for d in DomainClassifier(directory_context=False).run(iter(docs2))}
    assert no_ctx["small"]["domain_source"] == "model"
    assert no_ctx["small"]["domain_scores"]["usb_stack"] < with_ctx["small"]["domain_scores"]["usb_stack"]


def test_step_passes_other_kinds_through():
    from datatrove.data import Document

    from firmcorpus.corpus.steps.classify import DomainClassifier

    doc = Document(text="x", id="r", metadata={"kind": "repo"})
    out = list(DomainClassifier(kinds=("code",)).run(iter([doc])))
    assert "domain" not in out[0].metadata


def test_cli_predict_json(tmp_path):
    from typer.testing import CliRunner

    from firmcorpus.cli import app

    for dom in ("crypto", "device_tree", "usb_stack"):
        _, name, text = SNIPPETS[dom]
        (tmp_path / name).write_text(text)
    res = CliRunner().invoke(app, ["classify", "predict", str(tmp_path), "--json"])
    assert res.exit_code == 0, res.output
    rows = {r["path"]: r for r in json.loads(res.output)}
    assert rows[SNIPPETS["crypto"][1]]["domain"] == "crypto"
    assert rows[SNIPPETS["device_tree"][1]]["domain"] == "device_tree"
    assert rows[SNIPPETS["usb_stack"][1]]["domain"] == "usb_stack"
    assert all(math.isclose(sum(r["domain_scores"].values()), 1.0, abs_tol=1e-6) for r in rows.values())


def test_cli_train_on_build_documents_only(tmp_path):
    from datatrove.data import Document
    from datatrove.pipeline.writers import ParquetWriter
    from typer.testing import CliRunner

    from firmcorpus.cli import app

    docs_dir = tmp_path / "docs"
    with ParquetWriter(str(docs_dir)) as w:
        for dom, (_, name, text) in sorted(SNIPPETS.items()):
            w.write(Document(text=text, id=f"p:code:{name}", metadata={"kind": "code", "path": name}))
    out = tmp_path / "m.ftz"
    res = CliRunner().invoke(app, ["classify", "train", "--no-registry", "--documents", str(docs_dir),
                                   "--out", str(out), "--bucket", "2000", "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert summary["build_documents"]["labelled"] == 12 and summary["files"] == 0
    assert out.exists() and out.with_suffix(".json").exists()
    scores = DomainModel.load(out).predict(SNIPPETS["crypto"][2], path=SNIPPETS["crypto"][1])
    assert math.isclose(sum(scores.values()), 1.0, abs_tol=1e-6)


def test_general_weight_from_the_provenance_json(tiny_model, tmp_path):
    """The calibrated weight in the model's JSON scales general's score before renormalising."""
    import shutil

    _, src, _ = tiny_model
    path = tmp_path / "m.bin"
    shutil.copy(src, path)
    plain = DomainModel.load(path)
    assert plain.general_weight == 1.0
    (tmp_path / "m.json").write_text(json.dumps({"general_weight": 0.25}))
    weighted = DomainModel.load(path)
    assert weighted.general_weight == 0.25
    text = SNIPPETS["general"][2]
    a, b = plain.predict(text, "lib/str.c"), weighted.predict(text, "lib/str.c")
    assert abs(sum(b.values()) - 1) < 1e-6 and a["general"] > 0.01
    expect = a["general"] * 0.25 / (a["general"] * 0.25 + (1 - a["general"]))
    assert abs(b["general"] - expect) < 1e-6


def test_rules_are_a_prior_that_a_confident_model_outweighs():
    """The rules' evidence adds to the model's log score; it does not veto the model's domain."""
    from firmcorpus.corpus.steps.classify import combine, decide

    scores = {d: 0.01 for d in DOMAINS}
    scores.update(crypto=0.80, usb_stack=0.05)
    total = sum(scores.values())
    scores = {d: v / total for d, v in scores.items()}
    weak = combine(scores, {"usb_stack", "general"}, ("usb_stack", 0.85), support_weight=1.0, rule_weight=1.0)
    assert decide(weak, 0.5) == "crypto"  # confident model, faint evidence: the model's domain
    strong = combine(scores, {"usb_stack", "general"}, ("usb_stack", 0.85), support_weight=3.0, rule_weight=5.0)
    assert decide(strong, 0.5) == "usb_stack"  # strong rule evidence: the rule's domain
    assert math.isclose(sum(strong.values()), 1.0, abs_tol=1e-9)
    assert decide(weak, 0.99) == "general"  # below the threshold: general
    assert decide(weak, 0.0, general_margin=1000.0) == "general"  # general's score outweighs by the margin


def test_reported_scores_agree_with_a_general_decision():
    from firmcorpus.corpus.steps.classify import decide, reported_scores

    q = {d: 0.0 for d in DOMAINS}
    q.update(crypto=0.4, usb_stack=0.35, general=0.25)
    assert decide(q, 0.5) == "general"
    out = reported_scores(q, "general")
    assert max(out, key=out.get) == "general" and math.isclose(sum(out.values()), 1.0, abs_tol=1e-9)
    assert out["crypto"] > out["usb_stack"]  # the others keep their order
    assert reported_scores(q, "crypto") == q


def test_decision_from_the_provenance_json(tiny_model, tmp_path):
    """The decision learned on held-out files is read from the model's JSON and used by the step."""
    import shutil

    from firmcorpus.corpus.domains.model import DEFAULT_DECISION
    from firmcorpus.corpus.steps.classify import DomainClassifier

    _, src, _ = tiny_model
    path = tmp_path / "m.bin"
    shutil.copy(src, path)
    assert DomainModel.load(path).decision == DEFAULT_DECISION
    decision = {"support_weight": 0.0, "rule_weight": 0.0, "general_threshold": 0.999, "general_margin": 0.0,
                "folder_weight": 0.0}
    (tmp_path / "m.json").write_text(json.dumps({"decision": decision}))
    assert DomainModel.load(path).decision == decision
    _, name, text = SNIPPETS["usb_stack"]
    meta = {"kind": "code", "path": name, "language": language_of(name)}
    assert DomainClassifier(model_path=str(path)).classify(text, meta)["domain"] == "general"
    assert DomainClassifier(model_path=str(path), general_threshold=0.2).classify(text, meta)["domain"] == "usb_stack"


def test_calibrate_decision_on_held_out_files(tiny_model, tmp_path):
    from firmcorpus.corpus.domains.evalset import Example
    from firmcorpus.corpus.domains.jobs import FOLDER_WEIGHTS, GENERAL_MARGINS, GENERAL_THRESHOLDS, calibrate_decision

    _, path, _ = tiny_model
    examples = []
    for dom, (_, name, text) in sorted(SNIPPETS.items()):
        f = tmp_path / dom / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
        examples.append(Example(f"src-{dom}", f"{dom}/{name}", dom, "eval", "test", abspath=str(f)))
    res = calibrate_decision(examples, str(path))
    d = res["decision"]
    assert d["general_threshold"] in GENERAL_THRESHOLDS and d["folder_weight"] in FOLDER_WEIGHTS
    assert d["general_margin"] in GENERAL_MARGINS
    assert res["files"] == len(SNIPPETS) and len(res["files_per_domain"]) == len(SNIPPETS)
    # the tiny model was trained on these very files: the best decision gets them all
    assert res["macro_f1_without_folder_context"] == 1.0
