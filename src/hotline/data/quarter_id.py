"""Quarter ids (``2024Q1``) and how the circular names them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

_QUARTER_ID = re.compile(r"^([0-9]{4})Q([1-4])$")  # ASCII digits only: ２０２４Q1 is not 2024Q1
_ZH_NUMERAL = {1: "一", 2: "二", 3: "三", 4: "四"}


@dataclass(frozen=True, order=True)
class QuarterId:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> QuarterId:
        """Raises ValueError for anything but ``YYYYQn`` with n in 1–4."""
        match = _QUARTER_ID.fullmatch(text)
        if not match:
            raise ValueError(f"季度编号“{text}”格式不对，应为“年份Q季度”，如 2024Q1（季度为1–4）")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def zh(self) -> str:
        """As the title says it: 2024年第一季度."""
        return f"{self.year}年第{_ZH_NUMERAL[self.number]}季度"

    @property
    def zh_short(self) -> str:
        """As the body says it: 一季度."""
        return f"{_ZH_NUMERAL[self.number]}季度"

    @property
    def months(self) -> tuple[int, int, int]:
        return tuple(range(3 * self.number - 2, 3 * self.number + 1))

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.months[0], 1)

    @property
    def last_day(self) -> dt.date:
        return self.next.first_day - dt.timedelta(days=1)

    @property
    def next(self) -> QuarterId:
        return QuarterId(self.year + 1, 1) if self.number == 4 else QuarterId(self.year, self.number + 1)

    @property
    def previous(self) -> QuarterId:
        return QuarterId(self.year - 1, 4) if self.number == 1 else QuarterId(self.year, self.number - 1)


def quarters_dir(data_dir: Path) -> Path:
    """Where each quarter's folder is, under the data folder."""
    return Path(data_dir) / "quarters"
