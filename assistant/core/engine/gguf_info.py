"""Read the few GGUF metadata values the app uses: name, architecture, quantisation, context, and
the attention shape that sizes the KV cache (layers, KV heads, key/value length, sliding window).

The ``gguf`` package's ``GGUFReader`` parses every tensor and token array and took 2.6 s on a
98 MB model; this reader walks only the key/value header (memory-mapped, arrays skipped) and
takes milliseconds.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

from assistant.core.base.i18n import tr

GGUF_MAGIC = b"GGUF"

# llama.cpp's ``llama_ftype`` (general.file_type) -> the usual quantisation label.
FILE_TYPE_NAMES: dict[int, str] = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1",
    10: "Q2_K", 11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M",
    16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S",
    22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M",
    28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0",
    37: "TQ2_0", 38: "MXFP4_MOE", 39: "NVFP4", 40: "Q1_0",
}  # fmt: skip
_GUESSED_FLAG = 1024

# GGUF value types: struct format of the fixed-size ones; 8 = string, 9 = array.
_SCALAR_FORMATS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q",
                   12: "d"}  # fmt: skip
_STRING, _ARRAY = 8, 9
_SHAPE_KEYS = (
    ".context_length",
    ".block_count",
    ".embedding_length",
    ".attention.head_count",
    ".attention.head_count_kv",
    ".attention.key_length",
    ".attention.value_length",
    ".attention.sliding_window",
)


class GGUFError(ValueError):
    """The file is not a readable GGUF model (message is user-facing)."""


@dataclass(frozen=True)
class GGUFInfo:
    """Metadata of one GGUF file; empty string / None where the file does not say."""

    name: str
    architecture: str
    file_type: int | None
    context_length: int | None
    version: int
    tensor_count: int
    block_count: int | None = None
    head_count: int | None = None
    head_count_kv: int | None = None
    key_length: int | None = None
    value_length: int | None = None
    embedding_length: int | None = None
    sliding_window: int | None = None

    @property
    def quantization(self) -> str:
        """Quantisation label such as ``Q4_K_M`` ('' when the file does not declare it)."""
        return quantization_name(self.file_type)


def quantization_name(file_type: int | None) -> str:
    """Label for a ``general.file_type`` value."""
    if file_type is None:
        return ""
    base = file_type & ~_GUESSED_FLAG
    return FILE_TYPE_NAMES.get(base, f"type {base}")


def is_gguf(path: Path) -> bool:
    """True when ``path`` starts with the GGUF magic bytes."""
    try:
        with open(path, "rb") as file:
            return file.read(4) == GGUF_MAGIC
    except OSError:
        return False


def read_gguf_info(path: Path) -> GGUFInfo:
    """Read ``path``'s header; raises :class:`GGUFError` if it is not a GGUF model."""
    path = Path(path)
    try:
        with open(path, "rb") as file:
            if file.read(4) != GGUF_MAGIC:
                raise GGUFError(tr("{file} is not a GGUF model file.").replace("{file}", path.name))
            with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as view:
                return _HeaderReader(view, path.name).read()
    except OSError as exc:
        raise GGUFError(
            tr("Cannot read {file}: {reason}")
            .replace("{file}", str(path))
            .replace("{reason}", exc.strerror or str(exc))
        ) from exc


class _HeaderReader:
    """Sequential reader over the memory-mapped header."""

    def __init__(self, view: mmap.mmap, file_name: str) -> None:
        self._view = view
        self._file_name = file_name
        self._pos = 4
        self._order = "<"

    def read(self) -> GGUFInfo:
        version = self._unpack("I")
        if version > 0xFFFF:  # written on a big-endian machine
            self._order = ">"
            version = struct.unpack(">I", struct.pack("<I", version))[0]
        if version < 2:
            raise GGUFError(
                tr("{file} uses GGUF version {version}, which is no longer supported.")
                .replace("{file}", self._file_name)
                .replace("{version}", str(version))
            )
        tensor_count = self._unpack("Q")
        kv_count = self._unpack("Q")
        values: dict[str, object] = {}
        wanted = {"general.name", "general.architecture", "general.file_type"}
        for _ in range(kv_count):
            key = self._string()
            value_type = self._unpack("I")
            if key in wanted or key.endswith(_SHAPE_KEYS):
                values[key] = self._value(value_type)
            else:
                self._skip(value_type)
            if key.startswith("tokenizer.") and wanted <= values.keys():
                break  # the model's own keys come before the tokenizer's (its arrays are long)
        architecture = _as_str(values.get("general.architecture"))

        def shape(name: str) -> int | None:
            return _as_int(values.get(f"{architecture}.{name}"))

        return GGUFInfo(
            name=_as_str(values.get("general.name")),
            architecture=architecture,
            file_type=_as_int(values.get("general.file_type")),
            context_length=_as_int(values.get(f"{architecture}.context_length")),
            version=version,
            tensor_count=tensor_count,
            block_count=shape("block_count"),
            head_count=shape("attention.head_count"),
            head_count_kv=shape("attention.head_count_kv"),
            key_length=shape("attention.key_length"),
            value_length=shape("attention.value_length"),
            embedding_length=shape("embedding_length"),
            sliding_window=shape("attention.sliding_window"),
        )

    def _corrupt(self) -> GGUFError:
        return GGUFError(
            tr("{file} is damaged or truncated (bad GGUF header).").replace(
                "{file}", self._file_name
            )
        )

    def _unpack(self, fmt: str) -> int:
        size = struct.calcsize(fmt)
        if self._pos + size > len(self._view):
            raise self._corrupt()
        (value,) = struct.unpack_from(self._order + fmt, self._view, self._pos)
        self._pos += size
        return int(value)

    def _string(self) -> str:
        length = self._unpack("Q")
        end = self._pos + length
        if end > len(self._view):
            raise self._corrupt()
        raw = self._view[self._pos : end]
        self._pos = end
        return raw.decode("utf-8", errors="replace")

    def _value(self, value_type: int) -> object:
        if value_type == _STRING:
            return self._string()
        fmt = _SCALAR_FORMATS.get(value_type)
        if fmt is None:
            self._skip(value_type)
            return None
        size = struct.calcsize(fmt)
        if self._pos + size > len(self._view):
            raise self._corrupt()
        (value,) = struct.unpack_from(self._order + fmt, self._view, self._pos)
        self._pos += size
        return value

    def _skip(self, value_type: int) -> None:
        if value_type == _STRING:
            length = self._unpack("Q")
            self._pos += length
        elif value_type == _ARRAY:
            item_type = self._unpack("I")
            count = self._unpack("Q")
            fmt = _SCALAR_FORMATS.get(item_type)
            if fmt is not None:
                skipped = count * struct.calcsize(fmt)
                self._pos += skipped
            else:
                for _ in range(count):
                    self._skip(item_type)
        elif value_type in _SCALAR_FORMATS:
            self._pos += struct.calcsize(_SCALAR_FORMATS[value_type])
        else:
            raise self._corrupt()
        if self._pos > len(self._view):
            raise self._corrupt()


def _as_str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _as_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
