"""What a place's circular looks like, as read from its format file (data/format.toml).

The rules, checks, pages, workbook and documents ask these objects instead of constants of their
own, so another place's circular, or next year's Baishui, is a change of the format file, not of
the code. Everything here is plain data and declared rules (:mod:`hotline.format.expression`):
nothing a staff member writes is ever run as code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace

from hotline.data import schema
from hotline.format.expression import Expression
from hotline.format.template import Template

#: The names a score rule may use, with what the public reads for each.
SCORE_NAMES = {
    "full_marks": "满分",
    "base": "基础分",
    "bonus": "加分值合计",
    "penalty": "减分值合计",
}
#: Where a unit's composite score comes from: worked out by the format's rule from its points, or
#: the circular's published score taken as it is (a place that publishes scores without their rule).
SCORE_SOURCES = {"rule": "按计分规则计算", "published": "采用通报公布的得分，不重新计算"}
#: The columns a tie between equal scores may be broken by (most first), with their labels.
TIE_BREAK_COLUMNS = {"combined_work_orders": "合计工单量（含下属单位）"}
PERIOD_KINDS = {"quarter": "季度"}
#: What a tie that the tie-break columns leave is: ranked in attachment order, or shared (并列).
TIES = {"order": "按附件中的先后顺序排出名次", "shared": "名次并列"}


@dataclass(frozen=True)
class Group:
    """A group of units with its own attachment table and its own ranking (镇办, 部门)."""

    key: str
    label: str
    title: str  # the attachment's title after the period: 各镇办工单办理情况
    attachment: int  # 附件N (fixed by the group in this version: 镇办 1, 部门 2)
    best_named: int  # how many of its best units the circular names (综合成绩较好的单位)


def score_basis(published_only: bool) -> str:
    """Whose score a page or chart shows, as it qualifies one (see :attr:`Score.basis`): the charts,
    which are given only whether the scores are the published ones, ask here too."""
    return "通报公布" if published_only else "按计分规则"


@dataclass(frozen=True)
class Score:
    """The composite score: a declared rule over the unit's points (summed with its sub-units'), or,
    where the format says so (``source = "published"``), the circular's published score as it is:
    then there is no rule and no base, nothing is recomputed, and every page says whose score it is."""

    full_marks: float
    base: float | None  # None: published scores only
    rule: Expression | None  # None: published scores only
    in_plain_words: Template  # how scores are given, in a sentence; placeholders {full_marks} (and {base})
    path: str = field(default="", compare=False)  # where the rule is written, for an error about it
    line: int | None = field(default=None, compare=False)

    @property
    def published_only(self) -> bool:
        """The circular's published scores are the scores: no rule recomputes them."""
        return self.rule is None

    @property
    def basis(self) -> str:
        """Whose score a page shows, as it qualifies one: 按计分规则 (the site's, by the rule) or
        通报公布 (the circular's)."""
        return score_basis(self.published_only)

    @property
    def ranked_by(self) -> str:
        """What the site's ranking (and its best units) is by, as a page qualifies it."""
        return "按公布的得分" if self.published_only else "按计分规则"

    @property
    def label(self) -> str:
        """A score column's heading where it says whose score it is: 综合得分（按计分规则）."""
        return f"综合得分（{self.basis}）"

    def compute(self, bonus, penalty):
        """The rule's score for summed points (numbers, or pandas Series of them)."""
        if self.rule is None:
            raise ValueError("published scores only: there is no rule to compute a score by")
        return self.rule.evaluate(
            {"full_marks": self.full_marks, "base": self.base, "bonus": bonus, "penalty": penalty}
        )

    @property
    def numbers(self) -> dict[str, str]:
        """Full marks and the base as every text of the rule writes them (100, not 100.0)."""
        numbers = {"full_marks": f"{self.full_marks:g}"}
        if self.base is not None:
            numbers["base"] = f"{self.base:g}"
        return numbers

    def explained(self) -> str:
        """The format's sentence that explains the rule, its numbers filled in."""
        return self.in_plain_words.render(self.numbers)

    def in_words(self) -> str:
        """The rule as the public reads it, with the format's numbers in place of 满分 and 基础分."""
        return self.rule.describe({**SCORE_NAMES, **self.numbers})

    def with_points(self, bonus: str, penalty: str) -> str:
        """The rule worked with a unit's points (as printed): min(100, 100 + 4.8 − 4)."""
        return self.rule.describe({**self.numbers, "bonus": bonus, "penalty": penalty})

    def excel(self, bonus_cell: str, penalty_cell: str) -> str:
        """The rule as an Excel formula body over two cells (the entry workbook's check column)."""
        return self.rule.to_excel({**self.numbers, "bonus": bonus_cell, "penalty": penalty_cell})


@dataclass(frozen=True)
class Wording:
    """The circular's sentences of 一、基本情况, as templates (see :mod:`hotline.format.template`):
    the headline figures; the units with most work orders (the quality remark follows it in the same
    paragraph); the units with the best scores."""

    headline: Template
    top_volume: Template
    best_units: Template

    def pieces(self) -> dict[str, tuple[tuple[bool, str], ...]]:
        """Each sentence as (is a placeholder, its text or name) pieces: how the importer, a stage
        before the format's, is given the sentences to read a circular's text by."""
        return {
            sentence.name: tuple(
                (not isinstance(part, str), part if isinstance(part, str) else part.name)
                for part in getattr(self, sentence.name).parts
            )
            for sentence in fields(self)
        }


@dataclass(frozen=True)
class CircularFormat:
    """A place's circular: how often it is issued, its groups, score, ranking and named lists."""

    period: str
    groups: tuple[Group, ...]
    score: Score
    tie_break: tuple[str, ...]
    ties: str  # a key of TIES
    top_volume: int  # how many units a draft names for most work orders
    wording: Wording  # the sentences of 一、基本情况
    # What readers see for each column of the attachment tables, by key (承办工单量 for
    # work_orders): on the pages, in the document, the entry workbook and the downloads. The data
    # files keep the schema's headers, which are how the data are stored, not how they are shown.
    column_labels: tuple[tuple[str, str], ...] = ()

    def group(self, key: str) -> Group:
        return next(g for g in self.groups if g.key == key)

    def label_of(self, key: str) -> str:
        """A column's label as the format names it (the schema's, for a column the format does not name)."""
        return dict(self.column_labels).get(key) or schema.BY_KEY[key].zh

    def column(self, key: str) -> schema.Column:
        """A column of the schema as readers see it: its label the format's, and so are those of
        the other columns its description names."""
        return self.described(replace(schema.BY_KEY[key], zh=self.label_of(key)))

    def described(self, column: schema.Column) -> schema.Column:
        """``column`` with the attachment columns its description names (a sub-unit's row names
        its parent in “办理部门”; the combined work orders sum 承办工单量; a published score is
        the circular's 综合得分) by the format's labels, replaced in one pass (a label is never
        read again as another column's). The schema's labels are also plain words (下属单位), which
        read as the format calls them too."""
        others = {c.zh: self.label_of(c.key) for c in schema.FILE_COLUMNS}
        named = re.compile("|".join(map(re.escape, sorted(others, key=len, reverse=True))))
        return replace(column, description_zh=named.sub(lambda found: others[found.group()], column.description_zh))

    def columns(self, keys) -> list[schema.Column]:
        """:meth:`column` for each of ``keys`` (keys or schema columns), in their order."""
        return [self.column(getattr(key, "key", key)) for key in keys]

    @property
    def labels(self) -> dict[str, str]:
        """Each group's label by its key (镇办 for town), in attachment order."""
        return {g.key: g.label for g in self.groups}

    @property
    def best_named(self) -> dict[str, int]:
        """How many best units the circular names in each group, in attachment order."""
        return {g.key: g.best_named for g in self.groups}
