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
    )

    context = args.context or Settings.load().engine_context
    available = available_memory()
    rows = [("ID", "PARAMS", "QUANT", "SIZE", "CONTEXT", "LANGUAGES", "FIT", "MEMORY")]
    for model in load_catalogue().models:
        plan = plan_for_model(model, context, available)
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
    return 0
