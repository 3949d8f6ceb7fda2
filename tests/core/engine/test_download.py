"""Model downloads end to end against a loopback server that answers like the Hub (HF_ENDPOINT)."""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.core.engine import models
from assistant.core.engine.download import (
    DownloadControl,
    DownloadError,
    DownloadProgress,
    DownloadSpec,
    DownloadStopped,
    download_model,
    partial_path,
    target_path,
)
from tests.hubserver import FakeHub, fake_gguf

REPO, FILE = "example/Tiny-GGUF", "tiny-Q4_K_M.gguf"
SIZE = 3_000_000
SPEC = DownloadSpec(REPO, FILE)


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    for name in ("HF_TOKEN", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    with FakeHub() as server:
        server.add(REPO, FILE, fake_gguf(SIZE))
        monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
        yield server


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pause_after(control: DownloadControl, size: int) -> Any:
    def report(step: DownloadProgress) -> None:
        if step.phase == "download" and step.done >= size:
            control.pause()

    return report


def test_complete_download_is_verified_registered_and_announced(hub: FakeHub) -> None:
    steps: list[DownloadProgress] = []
    announced: list[int] = []
    unsubscribe = models.subscribe(lambda: announced.append(1))
    try:
        result = download_model(SPEC, steps.append)
    finally:
        unsubscribe()

    data = hub.files[(REPO, FILE)]
    assert result.path == target_path(SPEC) and result.path.read_bytes() == data
    assert (result.fetched, result.resumed_from) == (SIZE, 0)
    assert [m.path for m in models.list_models()] == [result.path]
    assert announced == [1]
    assert not partial_path(SPEC).exists()
    left = sorted(p.name for p in models.models_dir().iterdir())
    assert left == sorted([FILE, "registry.json"])
    downloading = [s for s in steps if s.phase == "download"]
    assert [s.done for s in downloading] == sorted(s.done for s in downloading)
    assert downloading[-1].done == SIZE and downloading[-1].total == SIZE
    assert steps[-1].phase == "verify" and steps[-1].done == SIZE
    assert [s.range for s in hub.served] == [None]
    assert "Downloading: " in downloading[-1].describe()


def test_a_dropped_connection_continues_with_a_range_for_the_rest(hub: FakeHub) -> None:
    hub.drop_after = SIZE // 3

    result = download_model(SPEC)

    assert result.path.read_bytes() == hub.files[(REPO, FILE)]
    first, second = hub.served
    assert (first.range, first.sent) == (None, SIZE // 3)
    assert second.range == f"bytes={SIZE // 3}-"
    assert second.sent == SIZE - SIZE // 3  # the rest only


def test_pause_keeps_the_partial_file_and_the_next_run_fetches_only_the_rest(
    hub: FakeHub,
) -> None:
    control = DownloadControl()
    with pytest.raises(DownloadStopped) as paused:
        download_model(SPEC, pause_after(control, 1_000_000), control)

    part = partial_path(SPEC)
    kept = part.stat().st_size
    assert 1_000_000 <= kept < SIZE
    assert paused.value.partial == part
    assert "paused" in str(paused.value) and "continues from there" in str(paused.value)
    assert models.list_models() == []

    result = download_model(SPEC)

    assert result.resumed_from == kept and result.fetched == SIZE - kept
    assert hub.served[-1].range == f"bytes={kept}-"
    assert hub.served[-1].sent == SIZE - kept
    assert result.path.read_bytes() == hub.files[(REPO, FILE)]


def test_cancel_deletes_the_partial_file(hub: FakeHub) -> None:
    control = DownloadControl()

    def report(step: DownloadProgress) -> None:
        if step.done >= 500_000:
            control.cancel()

    with pytest.raises(DownloadStopped, match="was cancelled"):
        download_model(SPEC, report, control)

    assert not partial_path(SPEC).exists()
    assert not partial_path(SPEC).with_name(FILE + ".part.json").exists()


def test_checksum_mismatch_is_refused_and_the_partial_file_kept(hub: FakeHub) -> None:
    hub.corrupt = True

    with pytest.raises(DownloadError) as refused:
        download_model(SPEC)

    part = partial_path(SPEC)
    message = str(refused.value)
    assert "does not match its checksum" in message and "not offered" in message
    assert f"kept as {part}" in message
    assert refused.value.partial == part and part.stat().st_size == SIZE
    assert not target_path(SPEC).exists() and models.list_models() == []

    hub.corrupt = False
    with pytest.raises(DownloadError, match="does not match"):
        download_model(SPEC)  # a retry checks the kept file again, fetching nothing
    assert len(hub.served) == 1

    result = download_model(SPEC, restart=True)
    assert result.path.read_bytes() == hub.files[(REPO, FILE)]
    assert hub.served[-1].range is None


def test_a_known_sha256_is_checked_and_a_different_hub_file_refused_before_fetching(
    hub: FakeHub,
) -> None:
    data = hub.files[(REPO, FILE)]
    other = DownloadSpec(REPO, FILE, sha256=sha(b"another file"))
    with pytest.raises(DownloadError, match="not the file the catalogue names"):
        download_model(other)
    assert hub.served == []

    result = download_model(DownloadSpec(REPO, FILE, sha256=sha(data)))
    assert result.path.read_bytes() == data


def test_not_enough_disk_space_is_said_before_anything_is_fetched(hub: FakeHub) -> None:
    with pytest.raises(DownloadError) as refused:
        download_model(SPEC, free_space=lambda folder: 1_000_000)

    message = str(refused.value)
    assert message.startswith(f"Not enough disk space for {FILE}: it needs 3.0 MB more, 1.0 MB")
    assert hub.served == [] and not partial_path(SPEC).exists()


def test_disk_space_counts_what_is_already_kept(hub: FakeHub) -> None:
    control = DownloadControl()
    with pytest.raises(DownloadStopped):
        download_model(SPEC, pause_after(control, 2_000_000), control)
    kept = partial_path(SPEC).stat().st_size

    result = download_model(SPEC, free_space=lambda folder: SIZE - kept)

    assert result.fetched == SIZE - kept


def test_nothing_listening_says_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")

    with pytest.raises(DownloadError) as failed:
        download_model(SPEC)

    assert str(failed.value).startswith(
        f"Could not reach 127.0.0.1 to download {FILE}: you seem to be offline"
    )
    assert not partial_path(SPEC).exists()


def test_hf_hub_offline_refuses_without_a_request(
    hub: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    with pytest.raises(DownloadError, match="HF_HUB_OFFLINE is set"):
        download_model(SPEC)

    assert hub.heads == [] and hub.served == []


def test_local_only_refuses_before_any_connection(
    monkeypatch: pytest.MonkeyPatch, no_remote_sockets: list[str]
) -> None:
    monkeypatch.delenv("HF_ENDPOINT", raising=False)

    with pytest.raises(DownloadError) as refused:
        download_model(SPEC, local_only=True)

    assert str(refused.value).startswith(
        f"Local only is on: downloading {FILE} would connect to huggingface.co, so nothing "
        "was sent."
    )
    assert no_remote_sockets == []


def test_local_only_allows_a_hub_mirror_on_this_machine(
    hub: FakeHub, no_remote_sockets: list[str]
) -> None:
    result = download_model(SPEC, local_only=True)

    assert result.path.is_file() and no_remote_sockets == []


def test_a_file_already_downloaded_is_offered_without_a_request(hub: FakeHub) -> None:
    download_model(SPEC)
    hub.heads.clear()

    again = download_model(SPEC)

    assert again.fetched == 0 and hub.heads == []
    assert [m.path for m in models.list_models()] == [again.path]


def test_a_partial_file_of_another_version_starts_over(hub: FakeHub) -> None:
    part = partial_path(SPEC)
    part.parent.mkdir(parents=True, exist_ok=True)
    part.write_bytes(b"old bytes" * 1000)
    part.with_name(part.name + ".json").write_text(json.dumps({"etag": "0" * 64}))

    result = download_model(SPEC)

    assert hub.served[0].range is None and result.resumed_from == 0
    assert result.path.read_bytes() == hub.files[(REPO, FILE)]


def test_unknown_file_names_the_repository(hub: FakeHub) -> None:
    with pytest.raises(DownloadError) as failed:
        download_model(DownloadSpec(REPO, "missing.gguf"))

    assert str(failed.value) == f"{REPO} has no file missing.gguf at main."
    assert not Path(partial_path(DownloadSpec(REPO, "missing.gguf"))).exists()


def test_a_second_download_of_the_same_file_is_refused_while_one_runs(hub: FakeHub) -> None:
    from filelock import FileLock

    part = partial_path(SPEC)
    part.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(part) + ".lock"), pytest.raises(DownloadError) as busy:
        download_model(SPEC)

    assert str(busy.value) == f"{FILE} is already being downloaded by another window or command."
    assert hub.heads == []


def test_a_stopped_or_failed_download_leaves_no_lock_file(
    hub: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = partial_path(SPEC).parent
    control = DownloadControl()
    with pytest.raises(DownloadStopped):
        download_model(SPEC, pause_after(control, 1_000_000), control)
    assert sorted(p.name for p in folder.iterdir()) == [FILE + ".part", FILE + ".part.json"]

    control = DownloadControl()
    control.cancel()
    with pytest.raises(DownloadStopped):
        download_model(SPEC, None, control)
    assert list(folder.iterdir()) == []

    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens (discard port)
    with pytest.raises(DownloadError, match="Could not reach"):
        download_model(SPEC)
    assert list(folder.iterdir()) == []


def test_progress_says_bytes_speed_and_time_left() -> None:
    step = DownloadProgress("download", 412_000_000, 986_000_000, 5_200_000.0, 0)

    assert step.fraction == pytest.approx(412 / 986)
    assert step.eta == pytest.approx((986_000_000 - 412_000_000) / 5_200_000)
    assert step.describe() == "Downloading: 412.0 MB of 986.0 MB · 5.2 MB/s · 1 min 50 s left"
    assert DownloadProgress("download", 10, None, 0.0).describe() == "Downloading: 10 B of ?"
    checking = DownloadProgress("verify", 2_000_000_000, 4_680_000_000, 0.0)
    assert checking.describe() == "Checking the file (sha256): 2.00 GB of 4.68 GB"


def test_a_token_goes_to_the_hub_but_not_to_the_file_host(
    hub: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_test_token_0123456789")

    download_model(SPEC)

    assert hub.head_authorizations == ["Bearer hf_test_token_0123456789"]
    assert [s.authorization for s in hub.served] == [None]  # the CDN-like host gets no token
