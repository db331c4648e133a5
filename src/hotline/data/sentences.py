"""What the circular's sentences of 一、基本情况 can say: each sentence a format words
(data/format.toml's [wording], read by :mod:`hotline.format.load`), its placeholders with what each
stands for (shown to staff in the file's comments and in errors), and how each reads in a
circular's text (a pattern whose named groups are the figures: :mod:`hotline.data.importer.text`
reads a pasted circular by the format's own sentences).

One list for the format, the pages and the importer: a placeholder offered to staff is one the
site fills and the importer reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from hotline.data import schema

_COUNT = r"(?P<{name}>\d+)件"  # a count as the circular prints it: the number and 件
_OUTSTANDING = r"(?P<{name}>(?:，[^，。]+?\d+件尚未办结)*)"  # ，林皋镇2件尚未办结，… (or nothing)
_PERIOD = ("period", "期次的简称，如“一季度”", r"[一二三四]季度")


@dataclass(frozen=True)
class Placeholder:
    name: str
    meaning: str  # for staff: what the site puts there
    reads: str  # the pattern it is read by in a circular's text ({name} stands for its own name)

    def pattern(self) -> str:
        return self.reads.replace("{name}", self.name)


def _placeholders(*rows: tuple[str, str, str]) -> dict[str, Placeholder]:
    return {name: Placeholder(name, meaning, reads) for name, meaning, reads in rows}


SENTENCES: dict[str, dict[str, Placeholder]] = {
    "headline": _placeholders(
        _PERIOD,
        ("received", "受理", _COUNT),
        ("completed_as_of", "办结的截止日期，如“4月19日”", r"(?P<as_of_month>\d{1,2})月(?P<as_of_day>\d{1,2})日"),
        ("completed", "办结", _COUNT),
        ("completion_rate", "办结率", r"(?P<completion_rate>[\d.]+)%"),
        ("extended", "延期", _COUNT),
        ("redone", "重办", _COUNT),
        ("overdue", "逾期", _COUNT),
        ("answered_directly", "电话直接答复", _COUNT),
        ("assigned_towns", "交办镇办", _COUNT),
        ("towns_outstanding", "镇办尚未办结的工单，如“，林皋镇2件尚未办结”，没有时为空", _OUTSTANDING),
        ("assigned_departments", "交办部门和单位", _COUNT),
        ("departments_outstanding", "部门尚未办结的工单，没有时为空", _OUTSTANDING),
        ("joint_dispatch", "联合派单", _COUNT),
        (
            "joint_outstanding",
            "联合派单的办结情况：“全部办结”或“N件尚未办结”",
            r"(?P<joint_outstanding>全部办结|\d+件尚未办结)",
        ),
    ),
    "top_volume": _placeholders(
        _PERIOD,
        ("top_volume", "工单量较多的单位及其工单量，如“城关街道办（81）、尧禾镇（45）”", r"(?P<top_volume>[^。]+)"),
    ),
    "best_units": _placeholders(
        _PERIOD,
        ("best_units", "综合成绩较好的单位，如“城关街道办、人社局”", r"(?P<best_units>[^。]+)"),
    ),
}
# The sentences that list units, each by the placeholder of its own name (written exactly once):
# a unit page quotes the sentence around the unit's name.
LIST_SENTENCES = frozenset({"top_volume", "best_units"})
# The headline's placeholder that states each group's outstanding work orders (by group key).
OUTSTANDING_PLACEHOLDER = {schema.TOWN: "towns_outstanding", schema.DEPARTMENT: "departments_outstanding"}
