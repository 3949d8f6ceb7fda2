"""GGUF header reading: files written by the ``gguf`` package's writer, and the real model."""

from __future__ import annotations

import struct
from pathlib import Path

import gguf
import numpy as np
import pytest

from assistant.core.engine.gguf_info import GGUFError, is_gguf, quantization_name, read_gguf_info


def write_gguf(
    path: Path,
    arch: str = "llama",
    name: str = "Tiny Test",
    file_type: int | None = 15,
    context_length: int | None = 4096,
    endian: gguf.GGUFEndian = gguf.GGUFEndian.LITTLE,
    tokens: int = 300,
) -> Path:
    """A small but well-formed GGUF: metadata first, then arrays, then one tensor."""
    writer = gguf.GGUFWriter(path, arch, endianess=endian)
    writer.add_name(name)
    writer.add_array("tokenizer.ggml.tokens", [f"tok{i}" for i in range(tokens)])
    writer.add_array("tokenizer.ggml.scores", [float(i) for i in range(tokens)])
    if context_length is not None:
        writer.add_context_length(context_length)
    writer.add_uint32("test.after_arrays", 7)
    if file_type is not None:
        writer.add_file_type(file_type)
    writer.add_tensor("weight", np.arange(16, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def test_reads_metadata_after_arrays(tmp_path: Path) -> None:
    info = read_gguf_info(write_gguf(tmp_path / "m.gguf"))

    assert info.name == "Tiny Test"
    assert info.architecture == "llama"
    assert info.file_type == 15
    assert info.quantization == "Q4_K_M"
    assert info.context_length == 4096
    assert info.version == 3
    assert info.tensor_count == 1


def test_reads_big_endian_files(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "be.gguf", arch="qwen2", endian=gguf.GGUFEndian.BIG)

    info = read_gguf_info(path)

    assert (info.architecture, info.context_length, info.quantization) == ("qwen2", 4096, "Q4_K_M")


def test_missing_values_are_empty(tmp_path: Path) -> None:
    info = read_gguf_info(write_gguf(tmp_path / "m.gguf", file_type=None, context_length=None))

    assert info.file_type is None
    assert info.quantization == ""
    assert info.context_length is None


def test_quantization_names() -> None:
    assert quantization_name(3) == "Q4_1"
    assert quantization_name(1) == "F16"
    assert quantization_name(1024 + 7) == "Q8_0"  # the "guessed" flag is ignored
    assert quantization_name(999) == "type 999"
    assert quantization_name(None) == ""


def test_text_file_is_not_a_gguf(tmp_path: Path) -> None:
    path = tmp_path / "notes.gguf"
    path.write_text("hello, not a model")

    assert not is_gguf(path)
    with pytest.raises(GGUFError, match=r"notes\.gguf is not a GGUF model file"):
        read_gguf_info(path)


def test_empty_file_is_not_a_gguf(tmp_path: Path) -> None:
    path = tmp_path / "empty.gguf"
    path.touch()

    with pytest.raises(GGUFError, match="not a GGUF"):
        read_gguf_info(path)


def test_truncated_header_is_reported_as_damaged(tmp_path: Path) -> None:
    whole = write_gguf(tmp_path / "whole.gguf").read_bytes()
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(whole[:200])

    assert is_gguf(cut)
    with pytest.raises(GGUFError, match="damaged or truncated"):
        read_gguf_info(cut)


def test_version_1_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.gguf"
    path.write_bytes(b"GGUF" + struct.pack("<III", 1, 0, 0))

    with pytest.raises(GGUFError, match="version 1"):
        read_gguf_info(path)


def test_missing_file_is_a_gguf_error(tmp_path: Path) -> None:
    with pytest.raises(GGUFError, match="Cannot read"):
        read_gguf_info(tmp_path / "absent.gguf")


@pytest.mark.e2e
def test_real_smollm2_metadata(smol_model_path: Path) -> None:
    info = read_gguf_info(smol_model_path)

    assert info.architecture == "llama"
    assert info.quantization == "Q4_1"
    assert info.context_length == 8192
    assert info.name.startswith("Smollm2 135M")
    assert info.tensor_count == 272
