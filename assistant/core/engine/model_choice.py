"""Which catalogue model to suggest on this machine, and what a model costs in disk and memory.

The suggestion is the largest general model of the catalogue whose memory plan (weights + KV
cache + engine, :func:`.catalogue.plan_for_model`) "fits" in the memory available now and whose
weights this CPU can read fast enough to answer at a usable pace: llama.cpp on a CPU reads every
weight once per token, so the speed falls with the file's size; the app allows
:data:`WEIGHTS_PER_CORE` of weights per physical core (a rule of thumb, not a measurement: on 2
cores that is a 1.5 B model, on 8 cores a 7–8 B one). Models made for code only are left to the
Models dialog.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.core.base.i18n import tr
from assistant.core.engine.catalogue import (
    CatalogueModel,
    MemoryPlan,
    Shape,
    available_memory,
    gib,
    load_catalogue,
    plan_for_model,
    plan_memory,
)
from assistant.core.engine.default_model import DEFAULT_MODEL
from assistant.core.engine.devices import physical_cores
from assistant.core.engine.download_progress import format_bytes

WEIGHTS_PER_CORE = 768 << 20
"""Bytes of model weights per physical core that still answer at a usable pace on a CPU."""

SHIPPED_SHAPE = Shape(layers=30, kv_heads=3, head_dim=64)
"""SmolLM2-135M's attention (its GGUF header; catalogue.py checks the KV cache it gives)."""


@dataclass(frozen=True)
class ModelCost:
    """What choosing a model costs: bytes to download and store, and its memory plan."""

    disk: int
    plan: MemoryPlan

    def describe(self) -> str:
        """'986 MB download, needs 1.3 GiB of memory (fits)'."""
        return (
            tr("{disk} download, needs {memory} of memory ({fit})")
            .replace("{disk}", format_bytes(self.disk))
            .replace("{memory}", gib(self.plan.needed))
            .replace("{fit}", self.plan.fit_label())
        )


def shipped_cost(n_ctx: int, available: int | None = None) -> ModelCost:
    """The built-in SmolLM2-135M at ``n_ctx``."""
    plan = plan_memory(DEFAULT_MODEL.size, SHIPPED_SHAPE, n_ctx, available)
    return ModelCost(DEFAULT_MODEL.size, plan)


def model_cost(model: CatalogueModel, n_ctx: int, available: int | None = None) -> ModelCost:
    """A catalogue model at ``n_ctx`` (its context at most)."""
    return ModelCost(model.size, plan_for_model(model, n_ctx, available))


def recommended_model(
    n_ctx: int, available: int | None = None, cores: int | None = None
) -> tuple[CatalogueModel, ModelCost] | None:
    """The largest general catalogue model that fits in memory and suits a CPU of ``cores``
    physical cores (None when none does, or memory is unknown)."""
    if available is None:
        available = available_memory()
    weights_budget = (cores or physical_cores()) * WEIGHTS_PER_CORE
    best: tuple[CatalogueModel, ModelCost] | None = None
    for model in load_catalogue().models:
        if all("code" in use for use in model.good_at) or model.size > weights_budget:
            continue
        cost = model_cost(model, n_ctx, available)
        if cost.plan.fit == "fits" and (best is None or model.parameters_b > best[0].parameters_b):
            best = (model, cost)
    return best
