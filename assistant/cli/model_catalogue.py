"""`assistant models catalogue`: the downloadable models and whether each fits this machine."""

from __future__ import annotations

import argparse
import sys


def catalogue_table(args: argparse.Namespace) -> int:
    """Print the catalogue: id, parameters, quantisation, size, context, languages, fit."""
    from assistant.core.config.settings import Settings
    from assistant.core.engine.catalogue import (
        available_memory,
        gib,
        load_catalogue,
        plan_for_model,
        user_catalogue_problem,
    )

    settings = Settings.load()
    context = args.context or settings.engine_context
    available = available_memory()
    gpu_layers, vram = settings.engine_gpu_layers, _gpu_memory(settings.engine_gpu_layers)
    rows = [("ID", "PARAMS", "QUANT", "SIZE", "CONTEXT", "LANGUAGES", "FIT", "MEMORY")]
    for model in load_catalogue().models:
        plan = plan_for_model(model, context, available, gpu_layers=gpu_layers, vram=vram)
        languages = ",".join(model.languages[:4]) + ("…" if len(model.languages) > 4 else "")
        rows.append(
            (
                model.id,
                f"{model.parameters_b:g} B",
                model.quantization,
                gib(model.size),
                str(model.context_length),
                languages,
                plan.fit_label(),
                f"{gib(plan.needed)} of {'?' if available is None else gib(available)}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip())
    print(
        f"memory at a context of {context} tokens: weights + KV cache + engine, "
        "against the memory available now",
        file=sys.stderr,
    )
    if problem := user_catalogue_problem():
        print(f"assistant: {problem}", file=sys.stderr)
    return 0


def _gpu_memory(gpu_layers: int) -> int | None:
    """The GPU's memory when layers are to be offloaded and the engine sees a GPU, else None."""
    if gpu_layers <= 0:
        return None  # asking the engine for its devices costs a process start
    from assistant.core.engine.devices import EngineError, engine_devices

    try:
        return max((d.memory_total for d in engine_devices() if d.is_gpu), default=None)
    except EngineError:  # no engine to ask: the table is still useful without the GPU
        return None
