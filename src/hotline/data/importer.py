"""Create a quarter's data files from a circular as published: its text, or an .xlsx of its attachments.

The attachment tables are read the way they appear in the circular: tab-separated rows, blank
cells, the header repeated where a table continues on a new page, sub-unit rows with an empty
first column, names broken by a line wrap (国家税务总局 白水县税务局), and 总计 rows. What
cannot be read from the source is written as a clearly marked placeholder (待填写) that stops
the build until staff fill it in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from hotline.data import schema
from hotline.data.errors import DataError
from hotline.data.loading import _parse_count, _parse_number
from hotline.data.quarter_id import QuarterId

PLACEHOLDER = "待填写"
TOWN_HEADER = [c.zh for c in schema.FILE_COLUMNS if c is not schema.SUB_UNIT]
DEPARTMENT_HEADER = [c.zh for c in schema.FILE_COLUMNS]
_ZH_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_ZH_NUMBERS |= {"十一": 11, "十二": 12}


@dataclass
class Table:
    kind: str
    rows: list[list[str]] = field(default_factory=list)  # in data-file column order, cells as printed
    totals: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # lines inside the table that were not rows


@dataclass
class Imported:
    quarter: QuarterId | None
    tables: dict[str, Table]
    circular: dict  # parsed document and headline fields; missing ones are absent
    narrative: dict[str, str]
    missing: list[str]  # what could not be read and is left for staff


def _clean_name(text: str) -> str:
    return re.sub(r"\s+", "", text)


def parse_table(kind: str, lines: list[tuple[str, list[str]]], source: Path) -> Table:
    """Rows of one attachment, each given with a location (for errors) and its cells."""
    expected = TOWN_HEADER if kind == schema.TOWN else DEPARTMENT_HEADER
    table = Table(kind)
    header_seen = False
    parent = ""
    for where, raw_cells in lines:
        cells = [c.strip() for c in raw_cells]
        while len(cells) > len(expected) and cells[-1] == "":
            cells.pop()
        if not any(cells):
            continue
        if cells[0] == expected[0]:
            if [_clean_name(c) for c in cells] != expected:
                raise DataError(source, f"表头应为：{'、'.join(expected)}；实际为：{'、'.join(cells)}", line=where)
            header_seen = True
            continue
        if not header_seen:
            table.skipped.append(" ".join(cells))
            continue
        if len(cells) > len(expected):
            raise DataError(
                source, f"这一行有{len(cells)}个单元格，表头只有{len(expected)}个：可能有单元格错位", line=where
            )
        cells += [""] * (len(expected) - len(cells))
        row = dict(zip(expected, cells, strict=True))
        if kind == schema.TOWN:
            row[schema.SUB_UNIT.zh] = ""
        first, sub = _clean_name(row[schema.UNIT.zh]), _clean_name(row[schema.SUB_UNIT.zh])
        if first == "总计":
            for column in schema.COUNT_COLUMNS:
                table.totals[column.key] = _parse_count(row[column.zh], source, where, column)
            continue
        if first and sub:
            raise DataError(
                source, "一行中“办理部门”和“下属单位”都有名称，无法确定是哪一种", line=where, column=schema.SUB_UNIT.zh
            )
        if not first and not sub:
            raise DataError(source, "这一行没有单位名称：可能是单元格错位", line=where, column=schema.UNIT.zh)
        if sub and not parent:
            raise DataError(source, f"下属单位“{sub}”前面没有上级部门", line=where, column=schema.SUB_UNIT.zh)
        for column in schema.COUNT_COLUMNS:
            _parse_count(row[column.zh], source, where, column)
        for column in (*schema.POINT_COLUMNS, schema.PUBLISHED_SCORE):
            _parse_number(row[column.zh], source, where, column)
        if first:
            parent = first
        out = [parent if sub else first, sub]
        out += [row[c.zh] for c in schema.FILE_COLUMNS[2:]]
        table.rows.append(out)
    if not header_seen:
        raise DataError(source, f"没有找到附件{schema.ATTACHMENT_NO[kind]}的表头（{'、'.join(expected)}）")
    if not table.rows:
        raise DataError(source, f"附件{schema.ATTACHMENT_NO[kind]}没有任何单位的数据")
    return table


# --- the circular's text ------------------------------------------------------------------------


def _attachment_sections(lines: list[str]) -> dict[str, list[tuple[int, list[str]]]]:
    starts = [i for i, line in enumerate(lines) if re.fullmatch(r"\s*附件\s*[12]\s*", line)]
    sections = {}
    for n, start in enumerate(starts):
        number = int(re.sub(r"\D", "", lines[start]))
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        body = []
        for i in range(start + 1, end):
            if lines[i].startswith("抄送"):
                break
            body.append((i + 1, lines[i].split("\t") if "\t" in lines[i] else [lines[i]]))
        kind = schema.TOWN if number == 1 else schema.DEPARTMENT
        sections[kind] = body
    return sections


def _paragraphs(lines: list[str]) -> list[str]:
    """Join paragraphs that a page break split mid-sentence (a paragraph not ending in punctuation)."""
    paragraphs: list[str] = []
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if paragraphs and not re.search(r"[。：；！？”]$", paragraphs[-1]):
            paragraphs[-1] += line
        else:
            paragraphs.append(line)
    return paragraphs


def _markdown(paragraphs: list[str]) -> str:
    """Numbered points（一）… get their heading sentence in bold, as the site shows them."""
    out = []
    for paragraph in paragraphs:
        paragraph = re.sub(r"^[(（]\s*([一二三四五六七八九十]+)\s*[)）]\s*", r"（\1）", paragraph)
        match = re.match(r"^(（[一二三四五六七八九十]+）[^。]*。)(.*)$", paragraph)
        out.append(f"**{match.group(1)}** {match.group(2)}" if match else paragraph)
    return "\n\n".join(out) + "\n"


def _between(lines: list[str], start: str, end: str) -> list[str]:
    try:
        first = next(i for i, line in enumerate(lines) if line.strip().startswith(start))
    except StopIteration:
        return []
    rest = lines[first + 1 :]
    stop = next((i for i, line in enumerate(rest) if re.match(end, line.strip())), len(rest))
    return rest[:stop]


def _search(pattern: str, text: str):
    match = re.search(pattern, text)
    return match.groups() if match else None


def parse_circular_text(text: str, source: Path) -> Imported:
    lines = text.splitlines()
    flat = re.sub(r"\s+", "", text)
    found: dict = {"document": {}, "headline": {}, "lists": {}}
    missing: list[str] = []

    def put(section: str, key: str, value) -> None:
        if value is None:
            missing.append(f"{section}.{key}")
        else:
            found[section][key] = value

    doc = found["document"]
    title_line = next((line for line in lines if "关于" in line and "通报" in line), None)
    number = next((m for line in lines for m in re.findall(r"([\u4e00-\u9fff]{1,8}〔\d{4}〕\d+号)", line)), None)
    put("document", "number", number)
    put("document", "title", _clean_name(title_line) if title_line else None)
    issuer = next((line.strip()[:-2] for line in lines if line.strip().endswith("文件")), None)
    put("document", "issuer", issuer)
    addressees = next((line.strip()[:-1] for line in lines if line.strip().endswith("：") and "、" in line), None)
    put("document", "addressees", addressees)
    dates = re.findall(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    put("document", "date", dt.date(*map(int, dates[-1])) if dates else None)
    cc = _search(r"抄送：(.+?)。", flat)
    put("document", "cc", cc[0].split("，") if cc else None)
    copies = _search(r"共印(\d+)份", flat)
    put("document", "copies_printed", int(copies[0]) if copies else None)

    quarter = None
    q = _search(r"(\d{4})年第([一二三四])季度", doc.get("title", ""))
    if q:
        quarter = QuarterId(int(q[0]), _ZH_NUMBERS[q[1]])

    head = found["headline"]
    basic = "".join(_between(lines, "一、基本情况", r"^二、")).replace(" ", "")
    for key, pattern in [
        ("received", r"共受理事项(\d+)件"),
        ("completed", r"办结(\d+)件"),
        ("extended", r"延期(\d+)件"),
        ("redone", r"重办(\d+)件"),
        ("overdue", r"逾期(\d+)件"),
        ("answered_directly", r"直接答复(\d+)件"),
        ("assigned_towns", r"交办各镇（办）(\d+)件"),
        ("assigned_departments", r"交办部门和单位(\d+)件"),
        ("joint_dispatch", r"联合派单(\d+)件"),
    ]:
        value = _search(pattern, basic)
        put("headline", key, int(value[0]) if value else None)
    as_of = _search(r"截[止至](\d{1,2})月(\d{1,2})日", basic)
    year = doc["date"].year if "date" in doc else None
    put("headline", "completed_as_of", dt.date(year, int(as_of[0]), int(as_of[1])) if as_of and year else None)
    rate = _search(r"办结率([\d.]+)%", basic)
    put("headline", "completion_rate_pct", float(rate[0]) if rate else None)
    if "全部办结" in basic:
        head["joint_dispatch_outstanding"] = 0
    else:
        missing.append("headline.joint_dispatch_outstanding")
    head["outstanding"] = [
        {"unit": unit, "count": int(count)} for unit, count in re.findall(r"，([^，。]+?)(\d+)件尚未办结", basic)
    ]
    overdue_rate = _search(r"逾期率为([\d.]+)%", flat)
    put("headline", "overdue_rate_pct", float(overdue_rate[0]) if overdue_rate else None)
    change = _search(r"满意率与(\d{4})年([一二三四])季度相较(下降|上升)([\d.]+)%", flat)
    if change:
        head["satisfaction_change_pts"] = float(change[3]) * (-1 if change[2] == "下降" else 1)
        head["satisfaction_compared_with"] = f"{change[0]}Q{_ZH_NUMBERS[change[1]]}"
    else:
        missing.append("headline.satisfaction_change_pts")
    head["monthly_satisfaction"] = [
        {"month": f"{year}-{_ZH_NUMBERS[month]:02d}", "satisfaction_pct": float(value)}
        for month, value in re.findall(r"([一二三四五六七八九十]+)月份[^。，]*?满意率[^\d。]*([\d.]+)%", flat)
    ]
    volume = _search(r"工单量较多的是(.+?)。", basic)
    put(
        "lists",
        "top_volume",
        [{"unit": u, "work_orders": int(n)} for u, n in re.findall(r"([^、（]+)（(\d+)）", volume[0])]
        if volume
        else None,
    )
    best = _search(r"综合成绩较好的单位有：(.+?)。", basic)
    put("lists", "best_units", best[0].split("、") if best else None)

    narrative = {
        "preamble": _paragraphs(_between(lines, doc.get("addressees", "\0") + "：", r"^一、基本情况")),
        "quality_remark": [s for s in re.findall(r"从办理效率和质量来看[^。]*。", basic)],
        "problems": _paragraphs(_between(lines, "二、存在问题", r"^三、")),
        "requirements": _paragraphs(_between(lines, "三、工作要求", r"^-?\s*附件")),
    }
    texts = {}
    for key, paragraphs in narrative.items():
        if paragraphs:
            texts[key] = _markdown(paragraphs)
        else:
            missing.append(f"narrative.{key}")
            texts[key] = f"{PLACEHOLDER}：未能从通报原文中识别这一部分，请按原文录入。\n"

    tables = {kind: parse_table(kind, body, source) for kind, body in _attachment_sections(lines).items()}
    for kind in (schema.TOWN, schema.DEPARTMENT):
        if kind not in tables:
            raise DataError(
                source, f"没有找到附件{schema.ATTACHMENT_NO[kind]}（应有一行只写“附件 {schema.ATTACHMENT_NO[kind]}”）"
            )
    return Imported(quarter, tables, found, texts, missing)


# --- an .xlsx workbook -------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_workbook(path: Path) -> Imported:
    """A workbook with one sheet per attachment, named 附件1 and 附件2, laid out as printed."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    tables = {}
    for kind in (schema.TOWN, schema.DEPARTMENT):
        name = f"附件{schema.ATTACHMENT_NO[kind]}"
        if name not in workbook.sheetnames:
            raise DataError(path, f"没有名为“{name}”的工作表（现有：{'、'.join(workbook.sheetnames)}）")
        rows = [
            (f"{name}!{number}", [_cell_text(v) for v in values])
            for number, values in enumerate(workbook[name].iter_rows(values_only=True), start=1)
        ]
        tables[kind] = parse_table(kind, rows, path)
    workbook.close()
    missing = ["document", "headline", "lists"] + [f"narrative.{k}" for k in ("preamble", "quality_remark")]
    missing += ["narrative.problems", "narrative.requirements"]
    narrative = {
        k: f"{PLACEHOLDER}：请按通报原文录入。\n" for k in ("preamble", "quality_remark", "problems", "requirements")
    }
    return Imported(None, tables, {"document": {}, "headline": {}, "lists": {}}, narrative, missing)


# --- writing the quarter's files ---------------------------------------------------------------


def _toml_value(value) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return str(value)


_HEADLINE_COMMENTS = {
    "received": "共受理事项",
    "completed": "办结",
    "completed_as_of": "截止日期",
    "completion_rate_pct": "办结率",
    "extended": "延期",
    "redone": "重办",
    "overdue": "逾期",
    "answered_directly": "通过电话咨询直接答复",
    "assigned_towns": "交办各镇（办）",
    "assigned_departments": "交办部门和单位",
    "joint_dispatch": "联合派单（已含在镇办、部门数中）",
    "joint_dispatch_outstanding": "联合派单尚未办结（“全部办结”为0）",
    "overdue_rate_pct": "逾期率",
    "satisfaction_change_pts": "满意率较上季度变化（百分数，下降为负）",
    "satisfaction_compared_with": "满意率与哪个季度相比",
}
_DOCUMENT_KEYS = ("number", "title", "issuer", "addressees", "date", "cc", "copies_printed")


def render_circular_toml(imported: Imported, quarter: QuarterId) -> str:
    """circular.toml for a quarter; anything not read from the source is a marked placeholder."""
    c = imported.circular
    out = [
        f"# {quarter.zh}通报中公布的文件信息与数字，按原文录入（由 scripts/import_quarter.py 生成）。",
        "# 附件表格见 towns.csv（附件1）与 departments.csv（附件2）；叙述部分见 *.md。",
        "# 本文件中的数字均为“通报公布数”，网站会将其与附件表格逐项核对并公开差异。",
        f"# 标注“{PLACEHOLDER}”的项目未能从原文识别，须按原文填写后才能构建网站。",
        "",
        f'quarter = "{quarter}"',
        "",
        "[document]",
    ]

    def line(section: dict, key: str, comment: str = "") -> str:
        if key in section:
            text = f"{key} = {_toml_value(section[key])}"
            return f"{text}  # {comment}" if comment else text
        return f'{key} = "{PLACEHOLDER}"  # {PLACEHOLDER}：{comment or key}'

    out += [line(c["document"], key) for key in _DOCUMENT_KEYS]
    out += ["", "[headline]"]
    out += [line(c["headline"], key, comment) for key, comment in _HEADLINE_COMMENTS.items()]
    head = c["headline"]
    out += ["", "# 尚未办结的工单（通报：“某单位N件尚未办结”）"]
    for item in head.get("outstanding", []):
        out += ["[[headline.outstanding]]", f"unit = {_toml_value(item['unit'])}", f"count = {item['count']}", ""]
    out += ["# 月度满意率（通报：“某月份热线工单满意率…%”）"]
    for item in head.get("monthly_satisfaction", []):
        out += [
            "[[headline.monthly_satisfaction]]",
            f"month = {_toml_value(item['month'])}",
            f"satisfaction_pct = {item['satisfaction_pct']}",
            "",
        ]
    out += ["# 通报中点名的单位（公布名单，网站与按数据计算的结果核对）", "[lists]"]
    lists = c["lists"]
    if "top_volume" in lists:
        out += ["top_volume = ["] + [f"  {_toml_value(item)}," for item in lists["top_volume"]] + ["]"]
    else:
        out += [
            f'top_volume = "{PLACEHOLDER}"  # {PLACEHOLDER}：工单量较多的单位，'
            '如 [{ unit = "市场局", work_orders = 95 }]'
        ]
    out += [line(lists, "best_units", "综合成绩较好的单位")]
    out += ["", "# 附件表格“总计”行（空白记为0）"]
    for kind, table in imported.tables.items():
        out += [f"[totals.{kind}]"]
        for column in schema.COUNT_COLUMNS:
            value = table.totals.get(column.key)
            out += [
                f"{column.key} = {value}" if value is not None else f'{column.key} = "{PLACEHOLDER}"  # {PLACEHOLDER}'
            ]
        out += [""]
    return "\n".join(out).rstrip() + "\n"


def render_table_csv(table: Table) -> str:
    header = ",".join(c.zh for c in schema.FILE_COLUMNS)
    return "\n".join([header] + [",".join(row) for row in table.rows]) + "\n"


def write_quarter(imported: Imported, folder: Path, quarter: QuarterId, *, source: Path, entered_by: str) -> list[Path]:
    """Write every file of a new quarter folder, provenance included, and keep a copy of the source
    document in data/sources/; returns the files written."""
    import shutil

    from hotline.data import provenance
    from hotline.data.loading import NARRATIVE_FILES

    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "circular.toml": render_circular_toml(imported, quarter),
        **{schema.ATTACHMENT_FILE[k]: render_table_csv(t) for k, t in imported.tables.items()},
        **{NARRATIVE_FILES[k]: text for k, text in imported.narrative.items()},
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    document = imported.circular["document"]
    kept = folder.parents[1] / "sources" / f"{quarter}-{source.name}"
    kept.parent.mkdir(exist_ok=True)
    shutil.copyfile(source, kept)
    record = [
        "# 本季度数据的来源记录。改动任何数据文件后，须在 data/corrections.csv 中登记改动内容和原因，",
        f"# 再运行 `.venv/bin/python scripts/record_checksums.py {quarter}` 更新下面的校验值。",
        "",
        f"document_number = {_toml_value(document.get('number', PLACEHOLDER))}",
        f"document_date = {document['date']}" if "date" in document else f'document_date = "{PLACEHOLDER}"',
        f"source = {_toml_value(f'{source.name}（原件副本见 data/sources/{kept.name}）')}",
        f'source_checksum = "{provenance.sha256(kept)}"',
        f"entered_by = {_toml_value(entered_by)}",
        f"entered_on = {dt.date.today()}",
        'notes = """',
        "由 scripts/import_quarter.py 从通报原文导入。",
        '"""',
        "",
        "[checksums]",
        "",
    ]
    (folder / provenance.PROVENANCE_FILE).write_text("\n".join(record), encoding="utf-8")
    provenance.record_checksums(folder)
    return [folder / name for name in files] + [folder / provenance.PROVENANCE_FILE, kept]
