"""The model catalogue (``resources/catalogue.toml``) and what a model needs to run on this machine.

The catalogue lists GGUF instruct models the built-in engine can download, with their facts
(repository, revision, file, size, sha256, licence, context, languages, attention shape) and the
sampling defaults of each model family. :func:`plan_memory` adds up what llama.cpp will hold for a
model at a context size — the weights, the KV cache, a fixed overhead — against the memory
available now, says "fits", "tight" or "too big", and sizes llama.cpp's prompt cache
(``cache_ram_mib``, 8192 MiB by default) from what is left.

The KV cache is ``2 (K and V) × layers × KV heads × head size × bytes per value`` per cell
(``n_ctx`` cells). For SmolLM2-135M (30 layers, 3 KV heads, 64) at n_ctx 4096 with f16 values
that is 90 MiB, what llama.cpp itself reports at load
(``tests/core/engine/test_catalogue_engine.py``). Sliding-window layers (Gemma 3) keep only
their window plus one batch.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from assistant.core.base.i18n import tr
from assistant.core.base.paths import app_paths
from assistant.core.base.resources import read_text
from assistant.core.engine.gguf_info import GGUFError, GGUFInfo, read_gguf_info

MIB = 1 << 20
_T = TypeVar("_T")
DEFAULT_REPETITION = 1.0
"""Repetition strength of a model whose family the catalogue does not know."""
OVERHEAD_BYTES = 300 * MIB
"""The engine process besides weights and KV cache: Python, llama.cpp's compute and output
buffers (18.6 MiB for SmolLM2-135M at n_ctx 4096, more with a large vocabulary)."""
UBATCH = 512
"""llama.cpp's default micro-batch: what a sliding-window layer keeps beyond its window."""
CACHE_TYPE_BYTES = {"f32": 4.0, "f16": 2.0, "bf16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32}
PROMPT_CACHE_MAX_MIB = 8192
"""llama.cpp's own default limit of its prompt cache."""
TIGHT_SHARE = 0.8
"""A model fits when it needs at most this share of the available memory; up to all of it: tight."""
HEADROOM_BYTES = 1024 * MIB
"""Memory left for everything else before any goes to the prompt cache."""


class CatalogueError(ValueError):
    """The catalogue file is not valid (message names the entry)."""


@dataclass(frozen=True)
class Family:
    """Sampling defaults of a model family; ``match`` finds the family of any GGUF file."""

    name: str
    match: tuple[str, ...]
    repetition: float


@dataclass(frozen=True)
class Shape:
    """What sizes the KV cache: layers, KV heads, head size; sliding-window layers if any."""

    layers: int
    kv_heads: int
    head_dim: int
    swa_window: int = 0
    swa_every: int = 0
    """Every ``swa_every``-th layer attends to the whole context, the others to ``swa_window``."""


@dataclass(frozen=True)
class CatalogueModel:
    """One downloadable model (see the comments in ``catalogue.toml`` for where facts come from)."""

    id: str
    title: str
    family: str
    parameters_b: float
    quantization: str
    repo: str
    revision: str
    file: str
    size: int
    size_exact: bool
    sha256: str
    licence: str
    context_length: int
    languages: tuple[str, ...]
    good_at: tuple[str, ...]
    shape: Shape
    source: str


@dataclass(frozen=True)
class Catalogue:
    """The models, in the file's order (smallest first), and the families."""

    models: tuple[CatalogueModel, ...]
    families: tuple[Family, ...]

    def model(self, model_id: str) -> CatalogueModel | None:
        """The model called ``model_id``, or None."""
        return next((m for m in self.models if m.id == model_id), None)

    def family_of(self, *names: str) -> Family | None:
        """The first family whose pattern is in one of ``names`` (file name, general.name…)."""
        text = " ".join(names).lower()
        return next((f for f in self.families if any(p in text for p in f.match)), None)


@dataclass(frozen=True)
class MemoryPlan:
    """What a model needs at a context size against what this machine has now (bytes)."""

    weights: int
    kv_cache: int
    overhead: int
    available: int | None
    prompt_cache_mib: int
    """The prompt cache llama.cpp may keep (``cache_ram_mib``), from the memory left over."""
    gpu_share: float = 0.0
    """Share of the weights and KV cache on the GPU (offloaded layers / layers)."""
    vram: int | None = None
    """The GPU's memory, when layers are offloaded."""

    @property
    def needed(self) -> int:
        """Memory (RAM) needed: what stays off the GPU, and the engine."""
        return round((self.weights + self.kv_cache) * (1 - self.gpu_share)) + self.overhead

    @property
    def vram_needed(self) -> int:
        """GPU memory needed by the offloaded layers (0 on the CPU)."""
        return round((self.weights + self.kv_cache) * self.gpu_share)

    @property
    def fit(self) -> str:
        """'fits', 'tight', 'too big', or 'unknown' when the available memory cannot be read;
        with layers on the GPU, the worse of the fits in memory and in GPU memory."""
        fits = [_fit(self.needed, self.available)]
        if self.gpu_share > 0:
            fits.append(_fit(self.vram_needed, self.vram))
        return max(fits, key=_FITS.index)

    def fit_label(self) -> str:
        """The fit, translated."""
        labels = {
            "fits": tr("fits"),
            "tight": tr("tight"),
            "too big": tr("too big"),
            "unknown": tr("unknown"),
        }
        return labels[self.fit]

    def details(self) -> str:
        """The numbers behind the fit, one line (for a tooltip or the CLI)."""
        text = tr(
            "needs {needed} (weights {weights} + KV cache {kv} + engine {overhead}) of "
            "{available} available; prompt cache {cache}"
        )
        available = "?" if self.available is None else gib(self.available)
        if self.gpu_share > 0:
            gpu = tr("; on the GPU {needed} of {vram}").replace("{needed}", gib(self.vram_needed))
            text += gpu.replace("{vram}", "?" if self.vram is None else gib(self.vram))
        return (
            text.replace("{needed}", gib(self.needed))
            .replace("{weights}", gib(self.weights))
            .replace("{kv}", gib(self.kv_cache))
            .replace("{overhead}", gib(self.overhead))
            .replace("{available}", available)
            .replace("{cache}", f"{self.prompt_cache_mib} MiB")
        )


_FITS = ["fits", "tight", "unknown", "too big"]


def _fit(needed: int, available: int | None) -> str:
    if available is None:
        return "unknown"
    if needed <= available * TIGHT_SHARE:
        return "fits"
    return "tight" if needed <= available else "too big"


def gib(size: int) -> str:
    """``size`` bytes as GiB with one decimal (MiB under 1 GiB)."""
    if size < 1024 * MIB:
        return f"{size / MIB:.0f} MiB"
    return f"{size / (1024 * MIB):.1f} GiB"


# --- loading --------------------------------------------------------------------------------------


def load_catalogue() -> Catalogue:
    """The catalogue shipped in the package, updated by the person's own ``catalogue.toml`` in
    the config folder (same format; a model or family with the same name replaces the shipped
    one, others are added). A broken own file is ignored: the shipped catalogue is used
    (:func:`user_catalogue_problem` says why)."""
    return _load_with_user_file()[0]


def user_catalogue_problem() -> str:
    """Why the person's own ``catalogue.toml`` was ignored, one sentence ('' when it is used or
    there is none)."""
    return _load_with_user_file()[1]


def _load_with_user_file() -> tuple[Catalogue, str]:
    path = user_catalogue_path()
    try:
        stat = path.stat()
        stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = None
    return _load_catalogue(str(path), stamp)


def user_catalogue_path() -> Path:
    """Where a person's own catalogue additions live (may not exist)."""
    return app_paths().config / "catalogue.toml"


@lru_cache(maxsize=4)
def _load_catalogue(path: str, stamp: tuple[int, int] | None) -> tuple[Catalogue, str]:
    if stamp is None:
        return _shipped(), ""
    try:
        return parse_catalogue(Path(path).read_text(encoding="utf-8"), base=_shipped()), ""
    except (OSError, UnicodeDecodeError, CatalogueError) as exc:
        problem = tr("Your catalogue {path} was ignored (the shipped one is used): {problem}")
        return _shipped(), problem.replace("{path}", path).replace("{problem}", str(exc))


@lru_cache(maxsize=1)
def _shipped() -> Catalogue:
    return parse_catalogue(read_text("catalogue.toml"))


def parse_catalogue(text: str, base: Catalogue | None = None) -> Catalogue:
    """A catalogue from TOML text (its entries replacing or added to ``base``'s)."""
    try:
        data = tomllib.loads(text)
        families = tuple(
            Family(name, tuple(str(p).lower() for p in raw["match"]), float(raw["repetition"]))
            for name, raw in dict(data.get("families", {})).items()
        )
        models = tuple(_model(raw) for raw in data.get("models", []))
    except KeyError as exc:
        raise CatalogueError(f"catalogue: a model or family has no {exc}") from exc
    except (tomllib.TOMLDecodeError, TypeError, ValueError) as exc:
        raise CatalogueError(f"catalogue: {exc}") from exc
    if base is not None:  # replaced in place (the order of families decides a match), or added
        families = _merged(base.families, families, lambda family: family.name)
        models = _merged(base.models, models, lambda model: model.id)
    known = {family.name for family in families}
    for model in models:
        if model.family not in known:
            raise CatalogueError(f"catalogue: {model.id} has an unknown family {model.family!r}")
    if len({model.id for model in models}) != len(models):
        raise CatalogueError("catalogue: two models have the same id")
    return Catalogue(models, families)


def _merged(base: tuple[_T, ...], new: tuple[_T, ...], key: Callable[[_T], str]) -> tuple[_T, ...]:
    """``base`` with the items of ``new`` that have the same key put in their place, then the
    rest of ``new``."""
    by_key = {key(item): item for item in new}
    taken = {key(item) for item in base}
    return tuple(by_key.get(key(item), item) for item in base) + tuple(
        item for item in new if key(item) not in taken
    )


def _model(raw: dict[str, Any]) -> CatalogueModel:
    sha256 = str(raw.get("sha256", "")).lower()
    if sha256 and (len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256)):
        raise ValueError(f"{raw.get('id')}: sha256 is not 64 hex digits")
    return CatalogueModel(
        id=str(raw["id"]),
        title=str(raw["title"]),
        family=str(raw["family"]),
        parameters_b=float(raw["parameters_b"]),
        quantization=str(raw["quantization"]),
        repo=str(raw["repo"]),
        revision=str(raw["revision"]),
        file=str(raw["file"]),
        size=int(raw["size"]),
        size_exact=bool(raw.get("size_exact", False)),
        sha256=sha256,
        licence=str(raw["licence"]),
        context_length=int(raw["context_length"]),
        languages=tuple(str(x) for x in raw["languages"]),
        good_at=tuple(str(x) for x in raw["good_at"]),
        shape=Shape(
            int(raw["layers"]),
            int(raw["kv_heads"]),
            int(raw["head_dim"]),
            int(raw.get("swa_window", 0)),
            int(raw.get("swa_every", 0)),
        ),
        source=str(raw["source"]),
    )


# --- families -------------------------------------------------------------------------------------


def default_repetition(model_path: Path) -> float:
    """The Repetition strength for a GGUF file: its family's, found by its file name and header."""
    names = [Path(model_path).name]
    try:
        info = read_gguf_info(Path(model_path))
        names += [info.name, info.architecture]
    except GGUFError:
        pass
    family = load_catalogue().family_of(*names)
    return family.repetition if family else DEFAULT_REPETITION


# --- memory ---------------------------------------------------------------------------------------


def shape_of(info: GGUFInfo) -> Shape | None:
    """The attention shape in a GGUF header (None when the header does not give it)."""
    if not info.block_count or not info.head_count_kv:
        return None
    head_dim = info.key_length
    if head_dim is None and info.embedding_length and info.head_count:
        head_dim = info.embedding_length // info.head_count
    if not head_dim:
        return None
    window = info.sliding_window or 0
    every = 6 if window and info.architecture == "gemma3" else 0  # Gemma 3: 5 local, 1 global
    return Shape(info.block_count, info.head_count_kv, head_dim, window, every)


def kv_cache_bytes(shape: Shape, n_ctx: int, cache_type: str = "f16") -> int:
    """Bytes of llama.cpp's KV cache for ``n_ctx`` cells (one sequence)."""
    per_value = CACHE_TYPE_BYTES[cache_type]
    per_cell_layer = 2 * shape.kv_heads * shape.head_dim * per_value
    if shape.swa_window and shape.swa_every:
        full = shape.layers // shape.swa_every
        local = shape.layers - full
        cells = full * n_ctx + local * min(n_ctx, shape.swa_window + UBATCH)
    else:
        cells = shape.layers * n_ctx
    return int(cells * per_cell_layer)


def available_memory() -> int | None:
    """Memory that can be used now without swapping (Linux: MemAvailable), in bytes."""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def plan_memory(
    weights: int,
    shape: Shape | None,
    n_ctx: int,
    available: int | None = None,
    cache_type: str = "f16",
    *,
    gpu_layers: int = 0,
    vram: int | None = None,
) -> MemoryPlan:
    """What a model of ``weights`` bytes and ``shape`` needs at ``n_ctx``, against ``available``
    (read now when None); the prompt cache gets half of what is left after a 1 GiB headroom.

    With ``gpu_layers`` offloaded to a GPU of ``vram`` bytes (None: no GPU, nothing offloaded),
    that share of the layers' weights and KV cache is counted against the GPU instead (an
    estimate: llama.cpp keeps the embeddings on the CPU; not measured here, no GPU)."""
    if available is None:
        available = available_memory()
    kv = kv_cache_bytes(shape, n_ctx, cache_type) if shape else 0
    share = 0.0
    if shape and gpu_layers > 0 and vram is not None:
        share = min(gpu_layers, shape.layers) / shape.layers
    plan = MemoryPlan(weights, kv, OVERHEAD_BYTES, available, 0, share, vram)
    if available is None:
        return plan
    spare = available - plan.needed - HEADROOM_BYTES
    return replace(plan, prompt_cache_mib=int(max(0, min(PROMPT_CACHE_MAX_MIB, spare // 2 // MIB))))


def plan_for_file(path: Path, n_ctx: int, available: int | None = None) -> MemoryPlan:
    """:func:`plan_memory` for a GGUF file on disk (its size and its header's shape)."""
    info = read_gguf_info(path)
    return plan_memory(Path(path).stat().st_size, shape_of(info), n_ctx, available)


def plan_for_model(
    model: CatalogueModel,
    n_ctx: int,
    available: int | None = None,
    *,
    gpu_layers: int = 0,
    vram: int | None = None,
) -> MemoryPlan:
    """:func:`plan_memory` for a catalogue model (before it is downloaded)."""
    n_ctx = min(n_ctx, model.context_length)
    return plan_memory(model.size, model.shape, n_ctx, available, gpu_layers=gpu_layers, vram=vram)
