"""The build config: defaults, YAML file, --set overrides, and clear errors for unknown knobs."""

import pytest
from pydantic import ValidationError

from firmcorpus.corpus.config import BuildConfig


def test_defaults_file_and_overrides(tmp_path):
    f = tmp_path / "build.yaml"
    f.write_text("tasks: 8\nsplit:\n  heldout_share: 0.5\nmixture:\n  domain_weights: {crypto: 2.0}\n")
    cfg = BuildConfig.load(str(f), ["split.heldout_repos=[deb:msp430mcu]", "decontam.action=flag", "tasks=16"])
    assert cfg.tasks == 16 and cfg.split.heldout_share == 0.5 and cfg.split.heldout_repos == ["deb:msp430mcu"]
    assert cfg.decontam.action == "flag" and cfg.mixture.domain_weights == {"crypto": 2.0}
    assert BuildConfig().decontam.ngram == 13 and BuildConfig().split.heldout_share == 0.03
    keys = {k for k, _, _ in cfg.documented()}
    assert {"tasks", "split.heldout_share", "slurm.partition", "repo_text.fim_rate"} <= keys
    assert all(desc for _, _, desc in BuildConfig().documented())  # every knob says what it does


def test_unknown_or_malformed_knobs_are_refused():
    with pytest.raises(ValidationError):
        BuildConfig.load(None, ["split.heldout_shar=0.3"])
    with pytest.raises(ValidationError):
        BuildConfig.load(None, ["decontam.action=delete"])
    with pytest.raises(ValueError, match="key=value"):
        BuildConfig.load(None, ["tasks"])


def test_starter_profile_defaults_rank_below_file_and_set(tmp_path):
    import json

    from typer.testing import CliRunner

    from firmcorpus.cli import app
    from firmcorpus.corpus.starter import build_defaults

    defaults = build_defaults("default")
    assert 'split.heldout_repos=["deb:ubertooth-firmware-source"]' in defaults
    assert build_defaults("full") == defaults  # inherited through `include`
    cfg = BuildConfig.load(None, [], defaults)
    assert cfg.split.heldout_repos == ["deb:ubertooth-firmware-source"] and cfg.split.heldout_share == 0.0
    f = tmp_path / "build.yaml"
    f.write_text("split:\n  heldout_share: 0.3\n")
    cfg = BuildConfig.load(str(f), ["split.heldout_repos=[]"], defaults)
    assert cfg.split.heldout_repos == [] and cfg.split.heldout_share == 0.3
    with pytest.raises(ValueError, match="unknown starter profile"):
        build_defaults("huge")
    res = CliRunner().invoke(app, ["build", "--starter", "--print-config", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["split"]["heldout_repos"] == ["deb:ubertooth-firmware-source"]
    res = CliRunner().invoke(app, ["build", "--starter", "--print-config", "--json", "--set", "split.heldout_share=0.5"])
    assert json.loads(res.output)["split"]["heldout_share"] == 0.5
