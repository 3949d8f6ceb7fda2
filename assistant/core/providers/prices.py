"""What a run costs: an editable price table and the arithmetic.

The shipped table is ``assistant/resources/prices.toml`` (dated, with a source per entry); a
``prices.toml`` in the config folder replaces entries with the same provider and model and adds
others. A price is looked up by the profile's preset id (``deepseek``, ``builtin``...), then by the
profile's name, then by its base URL, first for the exact model, then for ``"*"``.

The arithmetic: prompt tokens served from the provider's cache are priced as cached input, the
rest of the prompt as input, the completion as output, all per million tokens. A run without usage
or without a price has no cost (None, shown as "unknown"), never 0.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from assistant.core.base.i18n import tr
from assistant.core.base.paths import app_paths
from assistant.core.base.resources import read_text
from assistant.core.providers.events import Usage
from assistant.core.providers.profiles import ProviderProfile

PRICES_FILE = "prices.toml"
ANY_MODEL = "*"
MILLION = Decimal(1_000_000)
DATED = re.compile(r"-\d{4}-\d{2}-\d{2}$")
"""The date of a model snapshot at the end of its name."""
SYMBOLS = {"USD": "$", "CNY": "¥", "EUR": "€", "GBP": "£", "JPY": "¥"}


@dataclass(frozen=True)
class Price:
    """Prices per million tokens of one model of one provider."""

    provider: str
    model: str
    input: Decimal
    cached_input: Decimal
    output: Decimal
    currency: str
    source: str = ""


@dataclass(frozen=True)
class Cost:
    """What one run cost, in ``currency``."""

    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return format_money(self.amount, self.currency)


@dataclass(frozen=True)
class PriceTable:
    """Every known price; ``checked`` is the date the shipped prices were read."""

    prices: tuple[Price, ...]
    checked: str = ""
    problem: str = ""
    """Why the person's own prices.toml was ignored ('' when it was read or is absent)."""

    def find(self, providers: tuple[str, ...], model: str) -> Price | None:
        """The price of ``model`` under the first of ``providers`` that has one.

        A dated snapshot (``gpt-4o-mini-2024-07-18``) has its model's price unless it has its own.
        """
        index = {(p.provider.casefold(), p.model): p for p in self.prices}
        undated = DATED.sub("", model)
        for provider in providers:
            key = provider.casefold()
            found = (
                index.get((key, model)) or index.get((key, undated)) or index.get((key, ANY_MODEL))
            )
            if found is not None:
                return found
        return None


def cost_of(usage: Usage | None, price: Price | None) -> Cost | None:
    """The cost of ``usage`` at ``price``; None (unknown) when either is missing."""
    if usage is None or price is None:
        return None
    cached = min(max(usage.cached_tokens or 0, 0), usage.prompt_tokens)
    uncached = usage.prompt_tokens - cached
    amount = (
        uncached * price.input
        + cached * price.cached_input
        + usage.completion_tokens * price.output
    ) / MILLION
    return Cost(amount, price.currency)


def price_keys(profile: ProviderProfile) -> tuple[str, ...]:
    """Where a profile's prices are found: its preset id (or "builtin"), its name, its URL."""
    from assistant.core.providers.presets import preset_for

    if profile.is_builtin:
        return ("builtin", profile.name)
    found = preset_for(profile)
    url = profile.base_url.rstrip("/")
    keys = (found.id, profile.name, url) if found else (profile.name, url)
    return tuple(key for key in keys if key)


def run_cost(profile: ProviderProfile, model: str, usage: Usage | None) -> Cost | None:
    """What a run of ``model`` on ``profile`` with ``usage`` cost (None: unknown)."""
    if usage is None:
        return None
    return cost_of(usage, load_prices().find(price_keys(profile), model))


def format_money(amount: Decimal | float, currency: str) -> str:
    """``$1.20``, ``¥0.0031``: two decimals, or two significant digits below 0.01."""
    value = Decimal(str(amount))
    if value != 0 and abs(value) < Decimal("0.01"):
        value = value.quantize(Decimal(1).scaleb(value.adjusted() - 1))
    text = f"{value:.2f}" if value == 0 or abs(value) >= Decimal("0.01") else f"{value:f}"
    symbol = SYMBOLS.get(currency.upper())
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


# --- loading ------------------------------------------------------------------------------------

_cache: dict[str, tuple[tuple[int, int] | None, PriceTable]] = {}


def user_prices_path() -> Path:
    """The person's own price table (may not exist)."""
    return app_paths().config / PRICES_FILE


def load_prices() -> PriceTable:
    """The shipped prices with the person's own file on top (re-read when that file changes)."""
    path = user_prices_path()
    try:
        info = path.stat()
        stamp: tuple[int, int] | None = (info.st_mtime_ns, info.st_size)
    except OSError:
        stamp = None
    cached = _cache.get(str(path))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    shipped = parse_prices(read_text(PRICES_FILE))
    table = shipped
    if stamp is not None:
        try:
            own = parse_prices(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            problem = tr("Your price table {path} was ignored: {reason}")
            table = PriceTable(
                shipped.prices,
                shipped.checked,
                problem.replace("{path}", str(path)).replace("{reason}", str(exc)),
            )
        else:
            keys = {(p.provider.casefold(), p.model) for p in own.prices}
            kept = tuple(p for p in shipped.prices if (p.provider.casefold(), p.model) not in keys)
            table = PriceTable(own.prices + kept, own.checked or shipped.checked)
    _cache[str(path)] = (stamp, table)
    return table


def parse_prices(text: str) -> PriceTable:
    """A price table from TOML text; raises ValueError naming the entry that is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(str(exc)) from exc
    raw = data.get("price", [])
    if not isinstance(raw, list):
        raise ValueError("'price' must be an array of tables ([[price]])")
    return PriceTable(tuple(_price(item) for item in raw), str(data.get("checked", "")))


def _price(item: Any) -> Price:
    if not isinstance(item, dict):
        raise ValueError("a price is not a table")
    name = f"{item.get('provider', '?')} / {item.get('model', '?')}"
    for key in ("provider", "model", "currency"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise ValueError(f"the price {name} has no {key}")
    numbers = {}
    for key in ("input", "output", "cached_input"):
        value = item.get(key, item.get("input") if key == "cached_input" else None)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError(f"the price {name} has no {key} (a number per million tokens)")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"the price {name}: {key} is not a number") from None
        if number < 0 or not number.is_finite():
            raise ValueError(f"the price {name}: {key} must be 0 or more")
        numbers[key] = number
    return Price(
        provider=item["provider"].strip(),
        model=item["model"].strip(),
        currency=item["currency"].strip().upper(),
        source=str(item.get("source", "")),
        **numbers,
    )
