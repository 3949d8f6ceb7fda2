"""`assistant models catalogue`: one row per catalogue model, with its fit on this machine."""

from __future__ import annotations

from pathlib import Path

from assistant.core.engine.catalogue import available_memory, load_catalogue, plan_for_model
from tests.cli.test_run_cli import assistant


def test_catalogue_lists_every_model_with_its_fit(app_home: Path) -> None:
    result = assistant("models", "catalogue", "--context", "8192")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    header = lines[0].split()
    assert header == ["ID", "PARAMS", "QUANT", "SIZE", "CONTEXT", "LANGUAGES", "FIT", "MEMORY"]
    models = load_catalogue().models
    assert [line.split()[0] for line in lines[1:]] == [m.id for m in models]
    available = available_memory()
    for line, model in zip(lines[1:], models, strict=True):
        assert model.quantization in line and str(model.context_length) in line
        expected = plan_for_model(model, 8192, available).fit
        assert f"  {expected}  " in line, line
    assert "8192 tokens" in result.stderr.decode()


def test_a_context_that_is_not_a_positive_number_is_refused(app_home: Path) -> None:
    for value, said in (("-5", "must be at least 1 token, not -5"), ("abc", "not a number")):
        result = assistant("models", "catalogue", "--context", value)
        assert result.returncode == 2 and result.stdout == b""
        assert said in result.stderr.decode()


def test_an_own_catalogue_that_is_ignored_is_said_on_stderr(app_home: Path) -> None:
    from assistant.core.engine.catalogue import user_catalogue_path

    path = user_catalogue_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[[models]]\nid = 'mine'\n", encoding="utf-8")
    result = assistant("models", "catalogue")
    assert result.returncode == 0
    assert f"assistant: Your catalogue {path} was ignored" in result.stderr.decode()
    assert len(result.stdout.decode().splitlines()) == len(load_catalogue().models) + 1
