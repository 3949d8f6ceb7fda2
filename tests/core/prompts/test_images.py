"""Images as input: sniffing, the content-addressed store, image fields and the request builder."""

from __future__ import annotations

import base64
import hashlib
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from assistant.core.prompts.images import (
    MAX_SIDE,
    REF_SCHEME,
    ImageError,
    ImageStore,
    referenced_images,
    resolved_messages,
    sniff,
    stored_messages,
)
from assistant.core.prompts.modes import load_modes, parse_mode
from assistant.core.prompts.request import RequestError, build_follow_up, build_request
from assistant.core.providers.profiles import BUILTIN_PROFILE, ProviderProfile
from assistant.core.providers.vision import remember_refusal, takes_images
from assistant.core.storage.history import HistoryStore
from assistant.core.storage.threads import ThreadStore


def png(width: int, height: int) -> bytes:
    """A real (tiny, valid) PNG of ``width`` × ``height`` grey pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg_header(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def webp_header(chunk: bytes, width: int, height: int) -> bytes:
    if chunk == b"VP8 ":
        body = b"\0" * 3 + b"\x9d\x01\x2a" + struct.pack("<HH", width, height)
    elif chunk == b"VP8L":
        bits = (width - 1) | ((height - 1) << 14)
        body = b"\x2f" + struct.pack("<I", bits)
    else:
        body = b"\0" * 4 + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    data = chunk + struct.pack("<I", len(body)) + body
    return b"RIFF" + struct.pack("<I", len(data) + 4) + b"WEBP" + data


def vision_profile(
    base_url: str = "http://127.0.0.1:9/v1", model: str = "gpt-4o"
) -> ProviderProfile:
    return ProviderProfile(name="Vision", kind="compatible", base_url=base_url, model=model)


def test_sniff_reads_type_and_size_of_png_jpeg_and_webp() -> None:
    assert sniff(png(3, 2)) == ("image/png", 3, 2)
    assert sniff(jpeg_header(640, 480)) == ("image/jpeg", 640, 480)
    assert sniff(webp_header(b"VP8 ", 300, 200)) == ("image/webp", 300, 200)
    assert sniff(webp_header(b"VP8L", 4000, 16)) == ("image/webp", 4000, 16)
    assert sniff(webp_header(b"VP8X", 2049, 7)) == ("image/webp", 2049, 7)


@pytest.mark.parametrize("data", [b"GIF89a" + b"\0" * 20, b"hello", b"", b"%PDF-1.7"])
def test_sniff_refuses_other_files_with_a_message(data: bytes) -> None:
    with pytest.raises(ImageError, match="not a PNG, JPEG or WebP"):
        sniff(data)


def test_truncated_jpeg_is_damaged() -> None:
    with pytest.raises(ImageError, match="damaged"):
        sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF")


def test_store_keeps_each_image_once_named_by_its_sha256(tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    data = png(4, 4)
    first = store.add(data)
    second = store.add(data)
    assert first == second
    assert first.name == hashlib.sha256(data).hexdigest() + ".png"
    assert [p.name for p in (tmp_path / "images").iterdir()] == [first.name]
    assert store.read(first.name) == data
    assert (first.width, first.height, first.size) == (4, 4, len(data))
    assert first.describe() == f"4 × 4 · {len(data)} B"
    url = store.data_url(first.name)
    assert url == "data:image/png;base64," + base64.b64encode(data).decode()


def test_store_downscales_larger_images_with_the_scaler(tmp_path: Path) -> None:
    calls: list[tuple[str, int]] = []

    def scaler(data: bytes, mime: str, max_side: int) -> bytes:
        calls.append((mime, max_side))
        return png(max_side, max_side // 2)

    info = ImageStore(tmp_path).add(png(4096, 2048), scaler)
    assert calls == [("image/png", MAX_SIDE)]
    assert (info.width, info.height) == (2048, 1024)


def test_store_add_file_names_the_file_when_it_cannot_be_used(tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    with pytest.raises(ImageError, match=r"cannot read the image .*missing\.png"):
        store.add_file(tmp_path / "missing.png")
    text = tmp_path / "notes.gif"
    text.write_bytes(b"GIF89a....")
    with pytest.raises(ImageError, match=r"notes\.gif: This is not a PNG"):
        store.add_file(text)


def test_history_form_of_messages_refers_to_files(tmp_path: Path) -> None:
    store = ImageStore(tmp_path)
    info = store.add(png(2, 2))
    sent = [
        {"role": "system", "content": "Be brief."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": store.data_url(info.name)}},
            ],
        },
    ]
    kept = stored_messages(sent)
    assert kept[1]["content"][1]["image_url"]["url"] == REF_SCHEME + info.name
    assert "base64" not in str(kept)
    assert referenced_images(kept) == [info.name]
    assert resolved_messages(kept, store) == sent


def test_schema_accepts_image_fields_and_refuses_one_as_main_field() -> None:
    text = """
        [prompt]
        user = "{{ text }}"
        [[fields]]
        name = "text"
        kind = "multiline"
        [[fields]]
        name = "shots"
        kind = "image"
        maximum = 2
    """
    mode = parse_mode(text, source="t.toml")
    assert mode.field("shots") is not None and mode.defaults()["shots"] == ()
    assert mode.main_field == "text"
    with pytest.raises(ValueError, match="main_field cannot be an image field"):
        parse_mode(text.replace("[prompt]", 'main_field = "shots"\n[prompt]'), source="t.toml")
    names = ["a" * 64 + ".png", "b" * 64 + ".png", "c" * 64 + ".png"]
    assert mode.validate(mode.coerce({"text": "x", "shots": names})) == ["Shots: at most 2 images."]
    assert mode.validate(mode.coerce({"text": "x", "shots": ["../etc/passwd"]})) != []


def test_code_explain_sends_images_as_data_url_parts(tmp_path: Path) -> None:
    store = ImageStore(tmp_path)
    info = store.add(png(5, 3))
    mode = load_modes()["code-explain"]
    request = build_request(
        mode, {"code": "x = 1", "images": [info.name]}, vision_profile(), images=store
    )
    user = request.messages[-1]
    assert user["role"] == "user"
    text_part, image_part = user["content"]
    assert text_part["type"] == "text" and "x = 1" in text_part["text"]
    assert "Screenshots are attached" in text_part["text"]
    assert image_part == {"type": "image_url", "image_url": {"url": store.data_url(info.name)}}
    plain = build_request(mode, {"code": "x = 1"}, vision_profile(), images=store)
    assert isinstance(plain.messages[-1]["content"], str)


def test_builtin_engine_says_it_has_no_vision(tmp_path: Path) -> None:
    store = ImageStore(tmp_path)
    info = store.add(png(2, 2))
    mode = load_modes()["code-explain"]
    with pytest.raises(RequestError, match="built-in engine has no vision"):
        build_request(mode, {"code": "x", "images": [info.name]}, BUILTIN_PROFILE, images=store)


def test_text_only_models_are_refused_before_sending(tmp_path: Path) -> None:
    store = ImageStore(tmp_path)
    info = store.add(png(2, 2))
    mode = load_modes()["code-explain"]
    profile = vision_profile(model="gpt-3.5-turbo")
    with pytest.raises(RequestError, match=r"cannot take images with the model “gpt-3\.5-turbo”"):
        build_request(mode, {"code": "x", "images": [info.name]}, profile, images=store)


def test_a_remembered_refusal_is_refused_before_sending(tmp_path: Path) -> None:
    store = ImageStore(tmp_path)
    info = store.add(png(2, 2))
    mode = load_modes()["code-explain"]
    profile = vision_profile(model="my-local-model")
    assert takes_images(profile, "my-local-model") is None
    remember_refusal(profile.base_url, "my-local-model", "image input is not supported")
    assert takes_images(profile, "my-local-model") is False
    with pytest.raises(RequestError, match=r"it said: image input is not supported.*vision\.json"):
        build_request(mode, {"code": "x", "images": [info.name]}, profile, images=store)


def test_known_vision_names() -> None:
    profile = vision_profile()
    for model in ("gpt-4o-mini", "llava:13b", "qwen2.5-vl-7b-instruct", "gemma3:4b", "o3"):
        assert takes_images(profile, model) is True, model
    for model in ("gpt-3.5-turbo", "o3-mini", "deepseek-chat", "gpt-4"):
        assert takes_images(profile, model) is False, model


def test_a_missing_stored_image_is_a_clear_request_error(tmp_path: Path) -> None:
    mode = load_modes()["code-explain"]
    gone = "d" * 64 + ".png"
    with pytest.raises(RequestError, match="is missing from"):
        build_request(
            mode, {"code": "x", "images": [gone]}, vision_profile(), images=ImageStore(tmp_path)
        )


def test_a_chat_follow_up_sends_the_first_turns_images_again(
    openai_server: Any, tmp_path: Path
) -> None:
    from tests.core.storage.test_threads import follow_up

    store = ImageStore.default()
    info = store.add(png(6, 4))
    mode = load_modes()["chat"]
    profile = vision_profile(openai_server.base_url, "gpt-4o")
    first = build_request(
        mode, {"message": "What is in the picture?", "images": [info.name]}, profile
    )
    history = HistoryStore(tmp_path / "h.sqlite3")
    record_id = history.start("chat", first.fields, first.messages, "Vision", "", "gpt-4o", {})
    history.finish(record_id, "complete", answers=["A grey square."])
    thread = ThreadStore(history).thread(record_id)
    assert thread is not None
    assert thread.turns[0].sent == "What is in the picture?"
    request = build_follow_up(mode, thread, "And its size?", profile)
    follow_up(openai_server, history, request)
    sent = openai_server.chat_requests[-1].body["messages"]
    assert sent[1]["content"][1] == {
        "type": "image_url",
        "image_url": {"url": store.data_url(info.name)},
    }
    assert sent[-1] == {"role": "user", "content": "And its size?"}
    with pytest.raises(RequestError, match="built-in engine has no vision"):
        build_follow_up(mode, thread, "again", BUILTIN_PROFILE)
    history.close()


def test_a_refusal_is_found_by_the_profile_name_when_the_url_differs() -> None:
    profile = vision_profile(base_url="https://example.openai.azure.com/openai", model="m1")
    remember_refusal("https://example.openai.azure.com/openai/deployments/m1", "m1", "no", "Vision")
    assert takes_images(profile, "m1") is False
    assert takes_images(vision_profile(model="m1").with_changes(name="Other"), "m1") is None


def test_the_suggested_vision_models_leave_out_the_refused_one(tmp_path: Path) -> None:
    store = ImageStore(tmp_path)
    info = store.add(png(2, 2))
    mode = load_modes()["code-explain"]
    profile = vision_profile(model="qwen2.5-vl-7b-instruct")
    remember_refusal(profile.base_url, "qwen2.5-vl-7b-instruct", "no mmproj loaded")
    with pytest.raises(RequestError) as refused:
        build_request(mode, {"code": "x", "images": [info.name]}, profile, images=store)
    message = str(refused.value)
    assert "“qwen2.5-vl-7b-instruct”: the server refused them" in message
    assert "another vision model (gpt-4o, llava, gemma3…)" in message
    assert message.count("qwen2.5-vl") == 1  # named, not suggested
    text_only = vision_profile(model="gpt-3.5-turbo")
    with pytest.raises(
        RequestError, match=r"reads text only.*\(gpt-4o, llava, qwen2\.5-vl, gemma3…\)"
    ):
        build_request(mode, {"code": "x", "images": [info.name]}, text_only, images=store)
