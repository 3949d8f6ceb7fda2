"""What a batch job sends for each row: the mode, which column fills which field, the constants.

Columns map to the mode's fields of the same name by themselves (case, spaces, ``-`` and ``_`` do
not matter); the person can change the mapping (the window) and give constants for every row
(``--field NAME=VALUE``, which win over a column). Each row's request comes from the one request
builder, :func:`assistant.core.prompts.request.build_request`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from assistant.core.base.i18n import language, tr
from assistant.core.prompts.modes import Mode
from assistant.core.prompts.request import GenerationRequest, build_request
from assistant.core.prompts.templates import builtin_values
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.work.batch_input import InputRow

_CONTEXT = "batch"


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).casefold()


def column_mapping(mode: Mode, columns: Iterable[str]) -> dict[str, str]:
    """field → column for every field that has a column of the same name."""
    by_key = {_key(column): column for column in reversed(list(columns))}
    return {f.name: by_key[_key(f.name)] for f in mode.fields if _key(f.name) in by_key}


@dataclass(frozen=True)
class BatchPlan:
    """How every row becomes a request."""

    mode: Mode
    profile: ProviderProfile
    mapping: Mapping[str, str]
    """field name → input column."""
    constants: Mapping[str, str] = field(default_factory=dict)
    """field name → the same value for every row (wins over a column)."""
    parameters: Mapping[str, Any] | None = None
    """The person's saved parameters for the mode."""
    overrides: Mapping[str, Any] | None = None
    """This job's parameters (model, temperature…)."""

    def values(self, row: InputRow) -> dict[str, str]:
        """The field values of ``row``."""
        values = {name: row.values.get(column, "") for name, column in self.mapping.items()}
        return values | dict(self.constants)

    @cached_property
    def builtins(self) -> dict[str, str]:
        """The templates' built-in variables, one set for the whole job (the moment it started:
        every row of a job sees the same date)."""
        return builtin_values(locale=language())

    def request(self, row: InputRow) -> GenerationRequest:
        """The request for ``row`` (raises RequestError when its values do not make one)."""
        return build_request(
            self.mode,
            self.values(row),
            self.profile,
            self.parameters,
            self.overrides,
            self.builtins,
        )

    def problems(self) -> list[str]:
        """Why the plan cannot run at all: unknown fields, required fields with no source."""
        found = []
        for name in [*self.mapping, *self.constants]:
            if self.mode.field(name) is None:
                names = ", ".join(self.mode.field_names)
                found.append(
                    tr("mode {mode} has no field {name!r}; fields: {names}", _CONTEXT)
                    .replace("{mode}", self.mode.id)
                    .replace("{name!r}", repr(name))
                    .replace("{names}", names)
                )
        for item in self.mode.fields:
            if item.required and item.name not in self.mapping and item.name not in self.constants:
                found.append(
                    tr(
                        "field {name} is required: map a column to it (a column named {name} "
                        "maps itself) or give one value for every row (--field {name}=VALUE)",
                        _CONTEXT,
                    ).replace("{name}", item.name)
                )
        return found

    def signature(self, input_digest: str) -> str:
        """What identifies the job: the same input, mode, mapping and constants (the same
        prompts). Where they are sent may change between runs (:meth:`destination`)."""
        parts = {
            "mode": self.mode.id,
            "input": input_digest,
            "mapping": dict(self.mapping),
            "constants": dict(self.constants),
        }
        text = json.dumps(parts, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def destination(self) -> str:
        """Where the rows go, for people: the provider and the model."""
        model = str((self.overrides or {}).get("model") or self.profile.model or "")
        return f"{self.profile.name} ({model})" if model else self.profile.name
