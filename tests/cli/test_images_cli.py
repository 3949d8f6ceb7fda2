"""`assistant run MODE --image PATH`: a real process against the loopback server."""

from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path

from PySide6.QtGui import QImage

from assistant.core.prompts.images import sniff
from assistant.ui.image_codec import encode
from tests.cli.test_run_cli import assistant
from tests.fakeserver import FakeOpenAIServer


def image_file(path: Path, width: int, height: int, fmt: str = "PNG") -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(0x2266AA)
    path.write_bytes(encode(image, fmt))
    return path


def image_parts(server: FakeOpenAIServer) -> list[str]:
    """The data URLs of the image parts of the last chat request."""
    user = server.chat_requests[-1].body["messages"][-1]
    assert isinstance(user["content"], list), user
    return [p["image_url"]["url"] for p in user["content"] if p["type"] == "image_url"]


def run_explain(server: FakeOpenAIServer, *extra: str, model: str = "gpt-4o") -> object:
    return assistant(
        "run", "code-explain", "--base-url", server.base_url, "--model", model, *extra,
        stdin="print('hi')\n",
    )  # fmt: skip


def test_images_arrive_as_data_url_parts(openai_server: FakeOpenAIServer, tmp_path: Path) -> None:
    small = image_file(tmp_path / "small.png", 40, 30)
    photo = image_file(tmp_path / "photo.jpg", 64, 48, "JPEG")
    result = run_explain(openai_server, "--image", str(small), "--image", str(photo))
    assert result.returncode == 0, result.stderr
    urls = image_parts(openai_server)
    assert urls[0] == "data:image/png;base64," + base64.b64encode(small.read_bytes()).decode()
    assert urls[1].startswith("data:image/jpeg;base64,")
    text = openai_server.chat_requests[-1].body["messages"][-1]["content"][0]
    assert text["type"] == "text" and "print('hi')" in text["text"]


def test_large_images_are_downscaled_to_2048(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    big = image_file(tmp_path / "wide.webp", 3000, 1000, "WEBP")
    result = run_explain(openai_server, "--image", str(big))
    assert result.returncode == 0, result.stderr
    (url,) = image_parts(openai_server)
    header, data = url.split(",", 1)
    assert header == "data:image/webp;base64"
    assert sniff(base64.b64decode(data)) == ("image/webp", 2048, 682)


def test_history_refers_to_the_stored_file(
    openai_server: FakeOpenAIServer, tmp_path: Path, app_home: Path
) -> None:
    shot = image_file(tmp_path / "shot.png", 20, 20)
    assert run_explain(openai_server, "--image", str(shot)).returncode == 0
    with sqlite3.connect(app_home / "data" / "history.sqlite3") as db:
        fields, messages = db.execute("SELECT fields, messages FROM records").fetchone()
    (name,) = json.loads(fields)["images"]
    assert (app_home / "data" / "images" / name).read_bytes() == shot.read_bytes()
    assert "base64" not in messages and f"assistant-image:{name}" in messages


def test_unreadable_and_unsupported_files_are_clear_errors(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    missing = run_explain(openai_server, "--image", str(tmp_path / "nope.png"))
    assert missing.returncode == 2
    assert "cannot read the image" in missing.stderr.decode()
    assert "nope.png" in missing.stderr.decode()
    gif = tmp_path / "anim.gif"
    gif.write_bytes(b"GIF89a" + b"\0" * 30)
    unsupported = run_explain(openai_server, "--image", str(gif))
    assert unsupported.returncode == 2
    assert "anim.gif: This is not a PNG, JPEG or WebP image" in unsupported.stderr.decode()
    assert openai_server.chat_requests == []


def test_a_mode_without_images_says_which_modes_take_them(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    shot = image_file(tmp_path / "shot.png", 8, 8)
    result = assistant(
        "run", "article", "--field", "topic=x", "--base-url", openai_server.base_url,
        "--image", str(shot),
    )  # fmt: skip
    assert result.returncode == 2
    assert "mode article takes no images; modes that do: code-explain" in result.stderr.decode()


def test_a_text_only_server_gets_a_clear_message_then_is_remembered(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.reject_images = True
    shot = image_file(tmp_path / "shot.png", 8, 8)
    first = run_explain(openai_server, "--image", str(shot), model="fake-model")
    assert first.returncode == 2  # as the remembered refusal below (it was 1 before)
    said = first.stderr.decode()
    assert "cannot take images with the model “fake-model”" in said, said
    assert "image_url is only supported by certain models" in said
    assert len(openai_server.chat_requests) == 1
    second = run_explain(openai_server, "--image", str(shot), model="fake-model")
    assert second.returncode == 2
    assert "cannot take images with the model “fake-model”" in second.stderr.decode()
    assert len(openai_server.chat_requests) == 1  # refused before sending
    without = run_explain(openai_server, model="fake-model")
    assert without.returncode == 0, without.stderr


def test_the_builtin_engine_says_it_has_no_vision(tmp_path: Path) -> None:
    shot = image_file(tmp_path / "shot.png", 8, 8)
    result = assistant("run", "code-explain", "--image", str(shot), stdin="x = 1\n")
    assert result.returncode == 2
    assert "The built-in engine has no vision" in result.stderr.decode()


def test_chat_takes_images_for_a_new_chat(openai_server: FakeOpenAIServer, tmp_path: Path) -> None:
    shot = image_file(tmp_path / "diagram.png", 16, 9)
    result = assistant(
        "chat", "--image", str(shot), "--base-url", openai_server.base_url, "--model", "gpt-4o",
        stdin="What does this diagram show?\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (url,) = image_parts(openai_server)
    assert url == "data:image/png;base64," + base64.b64encode(shot.read_bytes()).decode()
    again = assistant("chat", "--thread", "1", "--image", str(shot), stdin="more\n")
    assert again.returncode == 2 and "--image starts a new chat" in again.stderr.decode()


def test_a_vision_refusal_carries_no_hint_about_fields(tmp_path: Path) -> None:
    image = image_file(tmp_path / "shot.png", 8, 8)
    done = assistant("run", "code-explain", "--image", str(image), stdin="print(1)")
    assert done.returncode == 2
    assert "no vision" in done.stderr.decode() and "--field" not in done.stderr.decode()


def test_a_refused_vision_model_is_named_and_not_suggested_and_both_refusals_exit_2(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.reject_images = True  # e.g. llava served without its mmproj file
    shot = image_file(tmp_path / "shot.png", 8, 8)
    first = run_explain(openai_server, "--image", str(shot), model="llava:7b")
    second = run_explain(openai_server, "--image", str(shot), model="llava:7b")
    assert len(openai_server.chat_requests) == 1  # the second is refused before sending
    for result in (first, second):
        said = result.stderr.decode()
        assert result.returncode == 2, said
        assert "cannot take images with the model “llava:7b”: the server refused them" in said
        assert "pick another vision model (gpt-4o, qwen2.5-vl, gemma3…)" in said
        assert said.count("llava") == 1, said  # named once, never suggested
