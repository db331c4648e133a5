"""Read a quarter from the circular's text as published: the document details, the headline
figures, the named units, the narrative, and both attachment tables (tab-separated rows). What
cannot be read is listed and written as a clearly marked placeholder (待填写) that stops the build
until staff fill it in.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from hotline.data import schema
from hotline.data.errors import PLACEHOLDER, DataError
from hotline.data.importer.tables import Imported, clean_name, parse_table
from hotline.data.quarter_id import QuarterId
from hotline.data.sentences import OUTSTANDING_PLACEHOLDER, SENTENCES, Placeholder

ZH_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
ZH_NUMBERS |= {"十一": 11, "十二": 12}


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
    """Numbered points（一）… get their heading sentence in bold, as the site shows them; the
    label is kept as printed (the circular's text is a record: "(四) " stays half-width)."""
    out = []
    for paragraph in paragraphs:
        match = re.match(r"^([(（]\s*[一二三四五六七八九十]+\s*[)）]\s*[^。]*。)(.*)$", paragraph)
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


def _sentence_pattern(pieces: tuple[tuple[bool, str], ...], offered: dict[str, Placeholder]) -> re.Pattern[str]:
    """A sentence of the format as a pattern over the paragraph's text (spaces taken out, as the
    text is read): its words as they are, each placeholder as it reads in a circular
    (:mod:`hotline.data.sentences`); a placeholder written twice is matched again but read once."""
    out, seen = [], set()
    for is_placeholder, text in pieces:
        if not is_placeholder:
            out.append(re.escape(text.replace(" ", "")))
            continue
        pattern = offered[text].pattern()  # the format offers no other name
        if text in seen:
            pattern = re.sub(r"\(\?P<\w+>", "(?:", pattern)
        seen.add(text)
        out.append(pattern)
    return re.compile("".join(out))


def _read_by_sentences(wording: dict[str, tuple[tuple[bool, str], ...]], basic: str) -> dict[str, str]:
    """The figures and lists of 一、基本情况 read by the format's sentences, where they match."""
    found: dict[str, str] = {}
    for key, pieces in wording.items():
        match = _sentence_pattern(pieces, SENTENCES[key]).search(basic)
        if match:
            found.update({name: value for name, value in match.groupdict().items() if value is not None})
    return found


def parse_circular_text(
    text: str,
    source: Path,
    labels: dict[str, str] | None = None,
    wording: dict[str, tuple[tuple[bool, str], ...]] | None = None,
) -> Imported:
    """The circular's text as printed; ``labels``: the format's column labels by key, which head its
    tables; ``wording``: the format's sentences of 一、基本情况 (``Wording.pieces``), by which
    its figures are read first (Baishui's words, as its circulars vary them, are read after)."""
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
    put("document", "title", clean_name(title_line) if title_line else None)
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
    # Brackets as printed, where the circular did not use GB/T's full-width ones.
    note = re.search(r"[(（]共印\d+份[)）]", flat)
    if note and note.group(0).startswith("("):
        put("document", "copies_note", note.group(0))
    subtitle = next(
        (m.group(0) for line in lines if (m := re.fullmatch(r"\(包含[^()（）]{1,20}\)", line.strip()))), None
    )
    if subtitle:
        put("document", "attachment_subtitle", subtitle)

    quarter = None
    q = _search(r"(\d{4})年第([一二三四])季度", doc.get("title", ""))
    if q:
        quarter = QuarterId(int(q[0]), ZH_NUMBERS[q[1]])

    head = found["headline"]
    basic = "".join(_between(lines, "一、基本情况", r"^二、")).replace(" ", "")
    worded = _read_by_sentences(wording, basic) if wording else {}

    def read(key: str, fallback: str):
        """A figure's text as the format's sentence read it, else by Baishui's words (``fallback``)."""
        return (worded[key],) if key in worded else _search(fallback, basic)

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
        value = read(key, pattern)
        put("headline", key, int(value[0]) if value else None)
    as_of = (
        (worded["as_of_month"], worded["as_of_day"])
        if "as_of_month" in worded
        else _search(r"截[止至](\d{1,2})月(\d{1,2})日", basic)
    )
    year = doc["date"].year if "date" in doc else None
    put("headline", "completed_as_of", dt.date(year, int(as_of[0]), int(as_of[1])) if as_of and year else None)
    rate = read("completion_rate", r"办结率([\d.]+)%")
    put("headline", "completion_rate_pct", float(rate[0]) if rate else None)
    if worded.get("joint_outstanding", "全部办结" if "全部办结" in basic else "") == "全部办结":
        head["joint_dispatch_outstanding"] = 0
    else:
        missing.append("headline.joint_dispatch_outstanding")
    # The units not done: where the format's sentence holds them, from there only (a 联合派单…尚未办结
    # elsewhere in the paragraph is no unit's).
    stated = [worded[p] for p in OUTSTANDING_PLACEHOLDER.values() if p in worded]
    head["outstanding"] = [
        {"unit": unit, "count": int(count)}
        for unit, count in re.findall(r"，([^，。]+?)(\d+)件尚未办结", "".join(stated) if stated else basic)
    ]
    overdue_rate = _search(r"逾期率为([\d.]+)%", flat)
    put("headline", "overdue_rate_pct", float(overdue_rate[0]) if overdue_rate else None)
    change = _search(r"满意率与(\d{4})年([一二三四])季度相较(下降|上升)([\d.]+)%", flat)
    if change:
        head["satisfaction_change_pts"] = float(change[3]) * (-1 if change[2] == "下降" else 1)
        head["satisfaction_compared_with"] = f"{change[0]}Q{ZH_NUMBERS[change[1]]}"
    else:
        missing.append("headline.satisfaction_change_pts")
    head["monthly_satisfaction"] = [
        {"month": f"{year}-{ZH_NUMBERS[month]:02d}", "satisfaction_pct": float(value)}
        for month, value in re.findall(r"([一二三四五六七八九十]+)月份[^。，]*?满意率[^\d。]*([\d.]+)%", flat)
    ]
    volume = read("top_volume", r"工单量较多的是(.+?)。")
    put(
        "lists",
        "top_volume",
        [{"unit": u, "work_orders": int(n)} for u, n in re.findall(r"([^、（]+)（(\d+)）", volume[0])]
        if volume
        else None,
    )
    best = read("best_units", r"综合成绩较好的单位有：(.+?)。")
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

    tables = {kind: parse_table(kind, body, source, labels) for kind, body in _attachment_sections(lines).items()}
    for kind in (schema.TOWN, schema.DEPARTMENT):
        if kind not in tables:
            raise DataError(
                source, f"没有找到附件{schema.ATTACHMENT_NO[kind]}（应有一行只写“附件 {schema.ATTACHMENT_NO[kind]}”）"
            )
    return Imported(quarter, tables, found, texts, missing)
