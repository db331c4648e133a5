"""Reading and checking a place's format file (data/format.toml), as every staff file is checked:
a wrong value is refused with the file, the line and the key, and what to write instead."""

from __future__ import annotations

import math
import os
import unicodedata
from pathlib import Path

from hotline.data.errors import DataError
from hotline.data.files import DataFolder
from hotline.data.schema import ATTACHMENT_NO, COMPOSITE_SCORE_PUBLISHED, DERIVED_COLUMNS, FILE_COLUMNS, FORMAT_FILE
from hotline.data.sentences import LIST_SENTENCES, SENTENCES
from hotline.data.toml_file import TomlFile
from hotline.format import expression, template
from hotline.format.model import (
    PERIOD_KINDS,
    SCORE_NAMES,
    SCORE_SOURCES,
    TIE_BREAK_COLUMNS,
    TIES,
    CircularFormat,
    Group,
    Score,
    Wording,
)

# The groups this version's pages, documents and data files know (with their attachment numbers and
# data files); their labels, titles and named counts are the format's to set.
GROUP_KEYS = {"town": "镇办", "department": "部门"}
_TABLES = {"period", "groups", "score", "ranking", "lists", "columns", "wording"}
# The columns whose labels the format gives: those of the attachment tables (towns.csv, departments.csv).
LABELLED_COLUMNS = {c.key: c.zh for c in FILE_COLUMNS}
MAX_COLUMN_LABEL = 12  # characters: a column's label heads a narrow table column on a phone
# Names a column's label may not take: the other columns of the downloads (two columns of one name in
# a table), and 总计, which names the tables' total rows (a header and a total row would be one).
RESERVED_LABELS = {c.zh for c in (*DERIVED_COLUMNS, COMPOSITE_SCORE_PUBLISHED)} | {"总计"}
# A first character that makes a spreadsheet take a cell for a formula (as the downloads guard cells).
FORMULA_FIRST = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
MAX_LABEL = 20  # characters of a group's label: it heads tables on a phone
MAX_NAMED = 50
MAX_TITLE = 40  # characters of an attachment's title (after the period's name)
MAX_EXPLAINED = 300  # characters of the sentence that explains the score rule
MAX_SENTENCE = 500  # characters of a sentence of the circular, as typed (placeholders included)
DECIMALS = 2  # of full marks and the base score: as a circular prints them
# Characters a label, title or sentence has no use for, and which hide, blank or garble what is
# shown: controls and tabs (Cc), format characters (Cf), private use (Co), surrogates (Cs), line
# and paragraph separators (Zl, Zp), combining marks (Mn, Me), code points with no character yet
# (Cn: no font draws them), and the fillers and blanks that draw nothing (braille blank, U+FFFC).
_REFUSED_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp", "Mn", "Me"}
_BLANK_LETTERS = {"\u3164", "\u115f", "\u1160", "\uffa0", "\u2800", "\ufffc"}
# Letters written right to left (Hebrew, Arabic …): beside a number they reverse the order in which
# a reader sees the figures around them, and a Chinese circular has no use for them.
_RIGHT_TO_LEFT = {"R", "AL"}
EXPLAINED_PLACEHOLDERS = {"base": "基础分", "full_marks": "满分"}


def _listed(names: dict[str, str]) -> str:
    return "、".join(f"{key}（{label}）" for key, label in names.items())


def load(data: DataFolder | Path) -> CircularFormat:
    """The format of the data folder's circular, checked."""
    folder = DataFolder.of(data)
    path = folder.path(FORMAT_FILE)
    if not os.path.lexists(path):  # anything else there (a folder, a link) is named by the read
        raise DataError(
            path, "缺少通报格式文件 format.toml：请从项目的 data/format.toml 复制一份到数据文件夹，再按本地通报修改"
        )
    toml = TomlFile(path, folder.read_text(path))
    toml.check_keys("", _TABLES)
    for table in _TABLES - {"groups"}:
        toml.get(table, dict)
    toml.check_keys("period", {"kind"})
    period = toml.get("period.kind", str)
    if period not in PERIOD_KINDS:
        raise toml.error("period.kind", f"期次“{period}”不可用（可用：{_listed(PERIOD_KINDS)}；按月的通报尚未支持）")
    groups = _groups(toml)
    score = _score(toml)
    toml.check_keys("ranking", {"tie_break", "ties"})
    tie_break = tuple(toml.get("ranking.tie_break", list))
    for index, column in enumerate(tie_break):
        key = f"ranking.tie_break[{index}]"
        if not isinstance(column, str) or column not in TIE_BREAK_COLUMNS:
            raise toml.error(key, f"“{column}”不是可用于排名的列（可用：{_listed(TIE_BREAK_COLUMNS)}）")
        if column in tie_break[:index]:
            raise toml.error(key, f"“{column}”重复了")
    ties = toml.get("ranking.ties", str)
    if ties not in TIES:
        raise toml.error("ranking.ties", f"“{ties}”不可用（可用：{_listed(TIES)}）")
    toml.check_keys("lists", {"top_volume"})
    top_volume = _integer(toml, "lists.top_volume", 1, MAX_NAMED)
    labels = _column_labels(toml)
    return CircularFormat(period, groups, score, tie_break, ties, top_volume, _wording(toml), labels)


def _wording(toml: TomlFile) -> Wording:
    """[wording]: the sentences of 一、基本情况, each a template over its own placeholders; a
    listing sentence must name its list (a unit page quotes the sentence around the unit's name)."""
    toml.check_keys("wording", set(SENTENCES))
    sentences = {}
    for key, offered in SENTENCES.items():
        at = f"wording.{key}"
        placeholders = {name: placeholder.meaning for name, placeholder in offered.items()}
        text = _text(toml, at, MAX_SENTENCE)
        unescaped = text.replace("{{", "").replace("}}", "")  # {{ and }} are braces, not placeholders
        for other, names in SENTENCES.items():  # a placeholder of another sentence, named as such
            misplaced = next((n for n in names if n not in offered and "{" + n + "}" in unescaped), None)
            if misplaced is not None:
                raise toml.error(at, f"{{{misplaced}}}（{names[misplaced].meaning}）只能写在 wording.{other} 这句话中")
        try:
            sentence = template.parse(text, placeholders)
        except template.TemplateError as exc:
            raise toml.error(at, f"通报的这句话有误：{exc.message}") from None
        if not any(isinstance(part, str) and part.strip() for part in sentence.parts):
            raise toml.error(at, "这句话只有占位符：请写出通报的原话，只把数字或名单的位置写成占位符")
        found = sum(part == template.Placeholder(key) for part in sentence.parts) if key in LIST_SENTENCES else 1
        if found != 1:
            raise toml.error(
                at, f"这句话应当写一次 {{{key}}}（{placeholders[key]}），现在写了{found}次：名单就填在那里"
            )
        sentences[key] = sentence
    return Wording(**sentences)


def _column_labels(toml: TomlFile) -> tuple[tuple[str, str], ...]:
    """[columns]: a label for each column of the attachment tables, each its own."""
    toml.check_keys("columns", set(LABELLED_COLUMNS))
    labels: list[tuple[str, str]] = []
    for key in LABELLED_COLUMNS:
        label = _text(toml, f"columns.{key}", MAX_COLUMN_LABEL)
        if any(character.isspace() for character in label):  # a printed table's cells are split at spaces
            raise toml.error(f"columns.{key}", f"列名“{label}”中有空格：列名不能有空格")
        if label.startswith(FORMULA_FIRST):
            raise toml.error(
                f"columns.{key}", f"列名“{label}”以“{label[0]}”开头，电子表格会把它当作公式：请改用文字开头"
            )
        if label in RESERVED_LABELS:
            raise toml.error(
                f"columns.{key}", f"列名“{label}”已是下载数据中另一列或“总计”行的名称：请换一个名称，以免两者混淆"
            )
        same = next((other for other, used in labels if used == label), None)
        if same is not None:
            raise toml.error(f"columns.{key}", f"列名“{label}”与 columns.{same} 相同：每一列的名称应能区分")
        labels.append((key, label))
    return tuple(labels)


def _score(toml: TomlFile) -> Score:
    """[score]: full marks, and a rule with its base, or published scores only (``source``)."""
    toml.check_keys("score", {"source", "full_marks", "base", "rule", "explained"})
    source = toml.get("score.source", str) if toml.has("score.source") else "rule"
    if source not in SCORE_SOURCES:
        raise toml.error("score.source", f"“{source}”不可用（可用：{_listed(SCORE_SOURCES)}）")
    full_marks = _number(toml, "score.full_marks", low=0, high=1000, low_open=True)
    if source == "published":
        for key in ("score.base", "score.rule"):
            if toml.has(key):
                raise toml.error(
                    key,
                    '通报只公布得分（source = "published"）时不重新计算，不写基础分和计分规则：请删去这一项，'
                    '或把 source 改为 "rule"',
                )
        explained_text = _text(toml, "score.explained", MAX_EXPLAINED)
        try:
            explained = template.parse(explained_text, {"full_marks": EXPLAINED_PLACEHOLDERS["full_marks"]})
        except template.TemplateError as exc:
            raise toml.error("score.explained", f"得分来源的文字说明有误：{exc.message}") from None
        return Score(float(full_marks), None, None, explained, str(toml.path), toml.line_of("score.source"))
    base = _number(toml, "score.base", low=0, high=1000)
    if full_marks < base:
        raise toml.error("score.full_marks", f"满分{full_marks:g}小于基础分{base:g}：满分应不小于基础分")
    rule_text = toml.get("score.rule", str)
    try:
        rule = expression.parse(rule_text, SCORE_NAMES)
    except expression.ExpressionError as exc:
        raise toml.error("score.rule", f"计分规则“{rule_text}”有误：{exc.message}") from None
    for bonus, penalty in ((0.0, 0.0), (1.0, 1.0), (0.0, 1.0), (1.0, 0.0)):  # a unit with or without points
        value = float(rule.evaluate({"full_marks": full_marks, "base": base, "bonus": bonus, "penalty": penalty}))
        if not math.isfinite(value):
            raise toml.error(
                "score.rule",
                f"计分规则“{rule_text}”在加分值合计为{bonus:g}、减分值合计为{penalty:g}时算不出得分（例如除以0）：请修改计分规则",
            )
    explained_text = _text(toml, "score.explained", MAX_EXPLAINED)
    try:
        explained = template.parse(explained_text, EXPLAINED_PLACEHOLDERS)
    except template.TemplateError as exc:
        raise toml.error("score.explained", f"计分规则的文字说明有误：{exc.message}") from None
    return Score(float(full_marks), float(base), rule, explained, str(toml.path), toml.line_of("score.rule"))


def _groups(toml: TomlFile) -> tuple[Group, ...]:
    listed = toml.get("groups", list)
    groups = []
    for index, _ in enumerate(listed):
        at = f"groups[{index}]"
        toml.get(at, dict)
        toml.check_keys(at, {"key", "label", "title", "best_named"})
        key = toml.get(f"{at}.key", str)
        if key not in GROUP_KEYS:
            raise toml.error(f"{at}.key", f"分组“{key}”不可用（本版本的分组：{_listed(GROUP_KEYS)}）")
        if any(g.key == key for g in groups):
            raise toml.error(f"{at}.key", f"分组“{key}”重复了")
        label = _text(toml, f"{at}.label", MAX_LABEL)
        title = _text(toml, f"{at}.title", MAX_TITLE)
        best_named = _integer(toml, f"{at}.best_named", 0, MAX_NAMED)
        if any(g.label == label for g in groups):
            raise toml.error(f"{at}.label", f"组名“{label}”与另一组相同：两组的名称应能区分")
        groups.append(Group(key, label, title, ATTACHMENT_NO[key], best_named))
    missing = [key for key in GROUP_KEYS if key not in {g.key for g in groups}]
    if missing:
        raise toml.error("groups", f"缺少分组：{_listed({k: GROUP_KEYS[k] for k in missing})}")
    return tuple(sorted(groups, key=lambda g: g.attachment))


def _text(toml: TomlFile, key: str, longest: int) -> str:
    value = toml.get(key, str).strip()
    if not value:
        raise toml.error(key, "不能为空")
    if len(value) > longest:
        raise toml.error(key, f"太长（{len(value)}个字符，最多{longest}个）")
    if "\n" in value or "\r" in value:
        raise toml.error(key, "不能分行")
    for position, character in enumerate(value, start=1):
        if unicodedata.category(character) in _REFUSED_CATEGORIES or character in _BLANK_LETTERS:
            raise toml.error(
                key, f"第{position}个字符（U+{ord(character):04X}）是看不见或会改变显示的字符：请删去，只写文字"
            )
        if unicodedata.bidirectional(character) in _RIGHT_TO_LEFT:
            raise toml.error(
                key,
                f"第{position}个字符（U+{ord(character):04X}）是从右向左书写的文字，会颠倒旁边数字的显示顺序：请删去",
            )
    return value


def _integer(toml: TomlFile, key: str, low: int, high: int) -> int:
    value = toml.get(key, int)
    if not low <= value <= high:
        raise toml.error(key, f"值{value}应在{low}到{high}之间")
    return value


def _number(toml: TomlFile, key: str, *, low: float, high: float, low_open: bool = False) -> float:
    value = toml.get(key, float) + 0.0  # -0.0 is 0
    if value > high or value < low or (low_open and value == low):
        bound = f"大于{low:g}" if low_open else f"不小于{low:g}"
        raise toml.error(key, f"值{value:g}应{bound}且不大于{high:g}")
    if round(value, DECIMALS) != value:
        raise toml.error(key, f"值{value!r}的小数太多：最多{DECIMALS}位小数")
    return value
