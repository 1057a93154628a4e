"""Demo-data vocabularies (``resources/demo``) and the generators of names and phone numbers.

The word lists live in resource files, not in code, so that someone who knows the region can make the
demo town more believable without touching Python.
"""

from __future__ import annotations

import bisect
import json
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ecodesk.errors import EcoDeskError
from ecodesk.paths import resources_dir

MOBILE_PREFIXES = (
    # (prefix, weight): 13x is the oldest and still the most common on village rosters.
    *((f"13{d}", 5) for d in range(10)),
    *((f"15{d}", 4) for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)),
    *((f"18{d}", 3) for d in range(10)),
)


@dataclass(frozen=True)
class NamePool:
    """Given names of one gender and generation: whole names and characters to combine."""

    whole: tuple[str, ...]
    first: tuple[str, ...]
    second: tuple[str, ...]
    single: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    surnames: tuple[str, ...]
    surname_cum_weights: tuple[float, ...]
    given: dict[str, NamePool]  # male_old, female_old, male_young, female_young
    places: dict[str, Any]
    units: dict[str, Any]
    enterprises: dict[str, Any]


def demo_dir() -> Path:
    return resources_dir() / "demo"


def _read(name: str) -> str:
    path = demo_dir() / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        raise EcoDeskError(f"缺少演示数据词表文件：{path}，无法生成演示数据。") from None


def _json(name: str) -> dict[str, Any]:
    try:
        data = json.loads(_read(name))
    except json.JSONDecodeError as exc:
        raise EcoDeskError(f"演示数据词表 {name} 格式有误（第{exc.lineno}行）。") from None
    if not isinstance(data, dict):
        raise EcoDeskError(f"演示数据词表 {name} 格式有误。")
    return data


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """Read every list once per process (they are small and never change while running)."""
    surnames: list[str] = []
    cumulative: list[float] = []
    total = 0.0
    for line in _read("surnames.txt").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, weight = line.partition(" ")
        total += float(weight)
        surnames.append(name)
        cumulative.append(total)
    given = {
        key: NamePool(
            tuple(pool["whole"]), tuple(pool["first"]), tuple(pool["second"]), tuple(pool["single"])
        )
        for key, pool in _json("given_names.json").items()
        if not key.startswith("_")
    }
    return Vocabulary(
        tuple(surnames),
        tuple(cumulative),
        given,
        _json("places.json"),
        _json("units.json"),
        _json("enterprises.json"),
    )


class Names:
    """Names and phone numbers drawn from one seeded generator, so the same seed gives the same town."""

    def __init__(self, rng: random.Random, vocab: Vocabulary) -> None:
        self.rng = rng
        self.vocab = vocab
        self._people: set[str] = set()
        self._phones: set[str] = set()
        self._prefixes = [p for p, _ in MOBILE_PREFIXES]
        self._prefix_cum: list[int] = []
        running = 0
        for _, weight in MOBILE_PREFIXES:
            running += weight
            self._prefix_cum.append(running)

    def surname(self) -> str:
        """A surname drawn by its real frequency."""
        cum = self.vocab.surname_cum_weights
        return self.vocab.surnames[bisect.bisect_right(cum, self.rng.random() * cum[-1])]

    def given(self, gender: str, young: bool) -> str:
        pool = self.vocab.given[f"{'female' if gender == 'f' else 'male'}_{'young' if young else 'old'}"]
        rng = self.rng
        roll = rng.random()
        if roll < (0.18 if young else 0.07):
            return rng.choice(pool.single)
        if roll < 0.6:
            return rng.choice(pool.whole)
        while True:
            first, second = rng.choice(pool.first), rng.choice(pool.second)
            if first != second:
                return first + second

    def full_name(self, gender: str = "m", young: bool = False, surname: str | None = None) -> str:
        family = surname or self.surname()
        while True:
            given = self.given(gender, young)
            if given[0] != family[-1]:  # 金金生, 林林 read as mistakes
                return family + given

    def unique_person(self, gender: str = "m", young: bool = False) -> str:
        """A name no other person in the demo has: grid members are imported by name, so no 同名."""
        while True:
            name = self.full_name(gender, young)
            if name not in self._people:
                self._people.add(name)
                return name

    def reserve(self, name: str) -> None:
        self._people.add(name)

    def gender(self, female_share: float) -> str:
        return "f" if self.rng.random() < female_share else "m"

    def phone(self) -> str:
        """An 11-digit mobile number, unique within the demo town."""
        rng = self.rng
        while True:
            index = bisect.bisect_right(self._prefix_cum, rng.random() * self._prefix_cum[-1])
            number = self._prefixes[index] + f"{rng.randrange(100_000_000):08d}"
            if number not in self._phones:
                self._phones.add(number)
                return number
