"""The matchmaker's weights: queries/match/weights.toml, optionally overridden by a user file."""

from __future__ import annotations

import tomllib
from pathlib import Path

from kb.core.errors import KBError

SIGNALS = (
    "effra-shared",
    "effra-complementary",
    "s3-shared",
    "topics-shared",
    "networks-shared",
    "letters-shared",
    "coparticipation",
    "two-hop",
    "experience",
)
MODES = ("for", "team", "profile")


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KBError(f"{path}: weights file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KBError(f"{path}: not a valid TOML weights file: {exc}") from None


def _number(path: Path, key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise KBError(f"{path}: {key} must be a number >= 0, not {value!r}")
    return float(value)


def _merge(weights: dict[str, dict[str, float]], path: Path) -> None:
    for table, values in _read(path).items():
        if table not in (*MODES, "marks") or not isinstance(values, dict):
            raise KBError(f"{path}: unknown table [{table}] (tables: {', '.join(MODES)}, marks)")
        known = SIGNALS if table in MODES else ("uncertain",)
        for key, value in values.items():
            if key not in known:
                raise KBError(f"{path}: [{table}] has unknown key {key!r} ({', '.join(known)})")
            weights.setdefault(table, {})[key] = _number(path, f"[{table}] {key}", value)


def load_weights(default: Path, override: Path | None = None) -> dict:
    """{mode: {signal: weight}, "marks": {"uncertain": factor}} from the project's
    queries/match/weights.toml (`default`), then the user's file; every signal present."""
    weights: dict[str, dict[str, float]] = {}
    _merge(weights, default)
    if override is not None:
        _merge(weights, override)
    for mode in MODES:
        missing = [s for s in SIGNALS if s not in weights.get(mode, {})]
        if missing:
            raise KBError(f"{default}: [{mode}] lacks {', '.join(missing)}")
    weights.setdefault("marks", {}).setdefault("uncertain", 0.5)
    return weights
