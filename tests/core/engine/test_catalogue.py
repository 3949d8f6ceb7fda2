"""The model catalogue: its data, model families, and the memory arithmetic behind the fit."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.engine.catalogue import (
    HEADROOM_BYTES,
    MIB,
    OVERHEAD_BYTES,
    PROMPT_CACHE_MAX_MIB,
    CatalogueError,
    Shape,
    default_repetition,
    kv_cache_bytes,
    load_catalogue,
    parse_catalogue,
    plan_for_file,
    plan_for_model,
    plan_memory,
    shape_of,
)
from assistant.core.engine.gguf_info import read_gguf_info

GIB = 1024 * MIB
SMOL = Shape(layers=30, kv_heads=3, head_dim=64)


def test_every_model_has_its_facts() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.models) >= 10
    ids = [model.id for model in catalogue.models]
    assert len(set(ids)) == len(ids)
    for model in catalogue.models:
        assert 0.4 <= model.parameters_b <= 8.5, model.id
        assert model.repo.count("/") == 1 and model.file.endswith(".gguf"), model.id
        assert model.sha256 == "" or len(model.sha256) == 64, model.id
        assert model.sha256 == "" or model.revision != "main", "a sha256 needs a pinned revision"
        assert model.licence and model.languages and model.good_at, model.id
        assert model.context_length >= 8192 and model.shape.layers > 0, model.id
        assert model.source.startswith("https://huggingface.co/"), model.id
    families = {model.family for model in catalogue.models}
    assert {"qwen2", "llama3", "gemma3", "smollm2", "phi3"} <= families
    assert any("zh" in model.languages for model in catalogue.models)


def test_model_families_are_found_by_name_and_header(smol_model_path: Path) -> None:
    catalogue = load_catalogue()
    family = catalogue.family_of("Qwen2.5-Coder-7B-Instruct-Q4_K_M.gguf")
    assert family is not None and family.name == "qwen2"
    smol = catalogue.family_of("model.gguf", "Smollm2 135M 8k", "llama")
    assert smol is not None and smol.name == "smollm2"  # before llama: SmolLM2 is a llama arch
    assert catalogue.family_of("mystery.gguf") is None
    assert default_repetition(smol_model_path) == smol.repetition


def test_a_broken_catalogue_says_which_entry() -> None:
    text = '[families.a]\nmatch = ["a"]\nrepetition = 1\n[[models]]\nid = "x"\nfamily = "b"\n'
    with pytest.raises(CatalogueError):
        parse_catalogue(text)


def test_kv_cache_of_the_shipped_model_is_llama_cpps_90_mib() -> None:
    """llama.cpp reports 'llama_kv_cache: size = 90.00 MiB (4096 cells, 30 layers)' for it."""
    assert kv_cache_bytes(SMOL, 4096) == 90 * MIB
    assert kv_cache_bytes(SMOL, 4096, "q8_0") < kv_cache_bytes(SMOL, 4096)


def test_sliding_window_layers_keep_only_their_window() -> None:
    gemma = Shape(layers=34, kv_heads=4, head_dim=256, swa_window=1024, swa_every=6)
    full = Shape(layers=34, kv_heads=4, head_dim=256)
    assert kv_cache_bytes(gemma, 1024) == kv_cache_bytes(full, 1024)
    assert kv_cache_bytes(gemma, 32768) < kv_cache_bytes(full, 32768) / 4


def test_shape_comes_from_the_gguf_header(smol_model_path: Path) -> None:
    shape = shape_of(read_gguf_info(smol_model_path))
    assert shape == SMOL  # head size from embedding_length / head_count (576 / 9)
    plan = plan_for_file(smol_model_path, 4096, available=16 * GIB)
    assert plan.weights == smol_model_path.stat().st_size and plan.kv_cache == 90 * MIB


@pytest.mark.parametrize(
    ("available_gib", "fit"), [(16, "fits"), (5.5, "tight"), (4, "too big"), (None, "unknown")]
)
def test_fit_labels(available_gib: float | None, fit: str) -> None:
    available = None if available_gib is None else int(available_gib * GIB)
    plan = plan_memory(4 * GIB, Shape(32, 8, 128), 8192, available=available)
    if available is None:  # plan_memory reads this machine's memory when not given
        plan = type(plan)(plan.weights, plan.kv_cache, plan.overhead, None, 0)
    assert plan.kv_cache == 1 * GIB and plan.needed == 5 * GIB + OVERHEAD_BYTES
    assert plan.fit == fit


def test_prompt_cache_is_sized_from_what_is_left() -> None:
    roomy = plan_memory(1 * GIB, SMOL, 4096, available=64 * GIB)
    assert roomy.prompt_cache_mib == PROMPT_CACHE_MAX_MIB  # llama.cpp's own default at most
    some = plan_memory(1 * GIB, SMOL, 4096, available=4 * GIB)
    spare = 4 * GIB - some.needed - HEADROOM_BYTES
    assert some.prompt_cache_mib == spare // 2 // MIB
    assert plan_memory(3 * GIB, SMOL, 4096, available=3 * GIB).prompt_cache_mib == 0
    assert "prompt cache" in some.details() and "available" in some.details()


def test_catalogue_models_are_planned_at_most_at_their_own_context() -> None:
    smol = load_catalogue().model("smollm2-1.7b-instruct")
    assert smol is not None
    small = plan_for_model(smol, 32768, available=16 * GIB)
    assert small.kv_cache == kv_cache_bytes(smol.shape, smol.context_length)


def test_offloaded_layers_count_against_the_gpu() -> None:
    shape = Shape(32, 8, 128)  # 1 GiB of KV cache at 8192
    cpu = plan_memory(4 * GIB, shape, 8192, available=16 * GIB, gpu_layers=16, vram=None)
    assert cpu.gpu_share == 0 and cpu.vram_needed == 0  # no GPU: gpu_layers does nothing
    half = plan_memory(4 * GIB, shape, 8192, available=16 * GIB, gpu_layers=16, vram=8 * GIB)
    assert half.vram_needed == int(2.5 * GIB) and half.needed == int(2.5 * GIB) + OVERHEAD_BYTES
    assert half.fit == "fits" and "on the GPU" in half.details()
    small_gpu = plan_memory(4 * GIB, shape, 8192, available=16 * GIB, gpu_layers=99, vram=4 * GIB)
    assert small_gpu.vram_needed == 5 * GIB and small_gpu.fit == "too big"  # the GPU decides


def test_a_catalogue_file_of_ones_own_updates_the_shipped_one(app_home: Path) -> None:
    from assistant.core.engine.catalogue import user_catalogue_path

    shipped = load_catalogue()
    path = user_catalogue_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    qwen = next(m for m in shipped.models if m.id == "qwen2.5-1.5b-instruct")
    path.write_text(
        '[families.smollm2]\nmatch = ["smollm"]\nrepetition = 3.0\n'
        "[[models]]\n"
        'id = "qwen2.5-1.5b-instruct"\ntitle = "Qwen 1.5B, my mirror"\nfamily = "qwen2"\n'
        'parameters_b = 1.54\nquantization = "Q4_K_M"\nrepo = "me/qwen"\nrevision = "main"\n'
        'file = "qwen.gguf"\nsize = 1000\nsha256 = ""\nlicence = "apache-2.0"\n'
        'context_length = 32768\nlanguages = ["zh"]\ngood_at = ["x"]\nlayers = 28\n'
        'kv_heads = 2\nhead_dim = 128\nsource = "https://huggingface.co/me/qwen"\n'
        "[[models]]\n"
        'id = "my-model"\ntitle = "Mine"\nfamily = "llama3"\nparameters_b = 1\n'
        'quantization = "Q8_0"\nrepo = "me/mine"\nrevision = "main"\nfile = "mine.gguf"\n'
        'size = 1000\nsha256 = ""\nlicence = "mit"\ncontext_length = 8192\nlanguages = ["en"]\n'
        'good_at = ["x"]\nlayers = 16\nkv_heads = 8\nhead_dim = 64\n'
        'source = "https://huggingface.co/me/mine"\n',
        encoding="utf-8",
    )
    mine = load_catalogue()
    ids = [m.id for m in mine.models]
    assert ids == [m.id for m in shipped.models] + ["my-model"]  # replaced in place, then added
    replaced = mine.model("qwen2.5-1.5b-instruct")
    assert replaced is not None and replaced.repo == "me/qwen" and qwen.repo != "me/qwen"
    smol = mine.family_of("Smollm2 135M", "llama")
    assert smol is not None and smol.repetition == 3.0  # still matched before llama
    path.write_text("[[models]]\nid = 'broken'\n", encoding="utf-8")
    assert [m.id for m in load_catalogue().models] == [m.id for m in shipped.models]


def test_an_own_catalogue_that_is_ignored_says_why(app_home: Path) -> None:
    from assistant.core.engine.catalogue import user_catalogue_path, user_catalogue_problem

    assert user_catalogue_problem() == ""  # none: nothing to say
    path = user_catalogue_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[[models]]\nid = 'mine'\ntitle = 'Mine'\n", encoding="utf-8")
    assert user_catalogue_problem() == (
        f"Your catalogue {path} was ignored (the shipped one is used): "
        "catalogue: a model or family has no 'family'"
    )
    path.write_text("[[models]\n", encoding="utf-8")
    assert user_catalogue_problem().startswith(f"Your catalogue {path} was ignored")
