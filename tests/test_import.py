"""Importing a quarter: from the circular's text (reproducing the committed data exactly), from a
workbook (formulas evaluated, never read as 0), and re-importing only through the corrections log."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from hotline.data import provenance, schema
from hotline.data.errors import DataError
from hotline.data.importer import parse_circular_text, parse_workbook, tables
from hotline.data.importer.formulas import FormulaError, evaluate

from .conftest import CIRCULAR, DATA, REPO

REFERENCE = DATA / "sources" / "2024Q1-baishui-circular.txt"  # the circular's text as received
Q1 = DATA / "quarters" / "2024Q1"


def _import_script(*args: str) -> int:
    import importlib.util

    spec = importlib.util.spec_from_file_location("import_quarter", REPO / "scripts" / "import_quarter.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main([str(a) for a in args])


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def empty_data(data_copy) -> Path:
    shutil.rmtree(data_copy / "quarters" / "2024Q1")
    return data_copy


def test_importing_the_reference_text_reproduces_q1_byte_for_byte(empty_data, capsys):
    assert _import_script(REFERENCE, "--entered-by", "测试", "--data", empty_data) == 0
    folder = empty_data / "quarters" / "2024Q1"
    for name in schema.QUARTER_FILES:
        assert (folder / name).read_bytes() == (Q1 / name).read_bytes(), name
    printed = capsys.readouterr().out
    assert "附件2：41个单位、7个下属单位" in printed and "校验通过" in printed
    assert "  quarters/2024Q1/towns.csv" in printed  # says exactly what it wrote


def _workbook_like_the_attachments(path: Path, *, drop_column=None, shift_row=None, total_formulas=False):
    """An .xlsx laid out as the circular prints the attachments, built from the committed CSVs;
    with ``total_formulas``, the 总计 rows are =SUM formulas with no cached result, as openpyxl writes them."""
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for kind, file in schema.ATTACHMENT_FILE.items():
        sheet = workbook.create_sheet(f"附件{schema.ATTACHMENT_NO[kind]}")
        sheet.append([f"2024 年第一季度{CIRCULAR.group(kind).title}"])
        sheet.append(["(包含联合派单)"])
        printed = tables.TOWN_HEADER if kind == schema.TOWN else tables.DEPARTMENT_HEADER
        header = [h for h in printed if h != drop_column]
        sheet.append(header)
        first = sheet.max_row + 1
        lines = (Q1 / file).read_text(encoding="utf-8").splitlines()[1:]
        for number, line in enumerate(lines):
            unit, sub, *values = line.split(",")
            cells = [("" if sub else unit)] + ([sub] if kind == schema.DEPARTMENT else []) + values
            cells = [(float(c) if "." in c else int(c)) if c and c[0].isdigit() else (c or None) for c in cells]
            if drop_column:
                del cells[printed.index(drop_column)]
            if shift_row == number:
                cells.insert(1, None)
            sheet.append(cells)
        last = sheet.max_row
        offset = 1 if kind == schema.TOWN else 2
        totals = ["总计"] + ([None] if kind == schema.DEPARTMENT else [])
        for n in range(len(schema.COUNT_COLUMNS)):
            letter = get_column_letter(offset + 1 + n)
            if total_formulas:
                totals.append(f"=SUM({letter}{first}:{letter}{last})")
            else:
                totals.append(sum(int(sheet[f"{letter}{r}"].value or 0) for r in range(first, last + 1)) or None)
        sheet.append(totals)
    workbook.save(path)


def test_importing_an_xlsx_of_the_same_tables_reproduces_the_attachments(empty_data, tmp_path, capsys):
    workbook = tmp_path / "附件.xlsx"
    _workbook_like_the_attachments(workbook)
    code = _import_script(workbook, "--quarter", "2024Q1", "--entered-by", "测试", "--data", empty_data)
    assert code == 2  # headline and narrative are left for staff
    folder = empty_data / "quarters" / "2024Q1"
    for name in schema.ATTACHMENT_FILE.values():
        assert (folder / name).read_bytes() == (Q1 / name).read_bytes(), name
    assert "待填写" in (folder / "circular.toml").read_text(encoding="utf-8")
    assert "尚未完成" in capsys.readouterr().err


def test_an_uncalculated_sum_is_evaluated_from_the_sheet_never_read_as_zero(tmp_path):
    workbook = tmp_path / "附件.xlsx"
    _workbook_like_the_attachments(workbook, total_formulas=True)
    imported = parse_workbook(workbook)
    assert imported.tables[schema.DEPARTMENT].totals == {"work_orders": 1170, "extended": 3, "redone": 8, "overdue": 6}
    assert imported.tables[schema.TOWN].totals["work_orders"] == 389


def test_a_formula_that_cannot_be_evaluated_is_refused_naming_its_cell(tmp_path):
    workbook = tmp_path / "附件.xlsx"
    _workbook_like_the_attachments(workbook, total_formulas=True)
    from openpyxl import load_workbook

    book = load_workbook(workbook)
    sheet = book["附件2"]
    total = next(row for row in sheet.iter_rows() if row[0].value == "总计")
    total[2].value = "=VLOOKUP(A1,B:C,2)"
    book.save(workbook)
    row = total[2].row
    with pytest.raises(DataError) as caught:
        parse_workbook(workbook)
    assert (
        f"附件.xlsx 工作表“附件2”第{row}行（总计）「承办工单量」列：单元格 C{row} 的公式 =VLOOKUP(A1,B:C,2) "
        "没有计算结果，程序也不能计算：不支持函数 VLOOKUP"
    ) in str(caught.value)
    assert "请在 Excel 或 WPS 中打开并保存后再导入" in str(caught.value)


CELLS = {("附件1", "A1"): 1.0, ("附件1", "A2"): 2.0, ("附件1", "A3"): 3.0, ("附件1", "B1"): "件", ("附件1", "B2"): "12"}


def _lookup(sheet: str, cell: str):
    return CELLS.get((sheet, cell))  # B9 and the like: blank (None)


@pytest.mark.parametrize(
    ("formula", "value"),
    [
        ("=SUM(A1:A3)", 6),
        ("=A1+A2*A3", 7),
        ("=MIN(100,100+SUM(A1:A2)-A3)", 100),
        ("=ROUND(A1/A3*100,1)", 33.3),
        ("=-(A1-A3)+'附件1'!A2", 4),
        ("=MAX(A1,A2,A3)", 3),
        ("=sum(a1:a3)", 6),  # as typed in lower case
        ("=SUM(A1:B3)", 6),  # text cells of a range are left out, as Excel leaves them out ("12" too)
        ("=B2+1", 13),  # but text that reads as a number counts in arithmetic, as in Excel
        ("=B9+1", 1),  # a blank cell is 0
        ("=MIN(B9:B12)", 0),  # nothing to take the minimum of
        ("=1E2+0.5", 100.5),
        # IF with comparisons and "": the entry workbook's rates are blank, not #DIV/0!, before 受理
        ('=IF(B9>0,ROUND(A2/B9*100,1),"")', ""),  # the division is never made
        ('=IF(A3>0,ROUND(A2/A3*100,1),"")', 66.7),
        ('=IF(A1=1,"是","否")', "是"),
        ("=IF(A1<>1,1,0)", 0),
        ("=IF(A2>=2,1,0)", 1),
        ("=IF(A2<=1,1,0)", 0),
        ("=IF(A1<A2,1,0)", 1),
        ('=IF(B9="",1,0)', 1),  # a blank cell equals ""
        ("=IF(B9=0,1,0)", 1),  # and 0
        ('=IF(B1="件",1,0)', 1),
        ('=IF(A1<"",1,0)', 1),  # any number is less than any text
        ("=IF(A1>0,A1)", 1),
        ("=IF(A1>5,A1)", False),
        ("=IF(TRUE,IF(FALSE,1,2),3)", 2),
        ('=IF(A1,"非零","零")', "非零"),
        ("=" + "+".join(["1"] * 3000), 3000),  # a long sum is a loop, not deep recursion
    ],
)
def test_the_formulas_a_circular_uses_evaluate(formula, value):
    assert evaluate(formula, "附件1", _lookup) == (pytest.approx(value) if isinstance(value, float | int) else value)


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("=VLOOKUP(A1,B1:C3,2)", "不支持函数 VLOOKUP"),
        ("=A1&A2", "不支持运算符 &"),
        ("=SUM(A1:A3", "括号不成对"),
        ("=1/0", "除数为0"),
        ('=INDIRECT("A1")', "不支持函数 INDIRECT"),
        ("=A1+B1", "参与计算的值是文字“件”，不能用来计算"),
        ("=IF(B1,1,0)", "IF 的条件是文字“件”"),
        ("=IF(A1,1,2,3)", "IF 的参数个数不对"),
        ("=ROUND(A1)", "ROUND 的参数个数不对"),
        ("=A1:A3+1", "区域 A1:A3 只能用在 SUM、MIN、MAX 中"),
        ("=1<2<3", "一个比较中只能有一个比较符号"),
        ("=" + "(" * 1000 + "1" + ")" * 1000, "公式嵌套过深"),
        ("=" + "-" * 1000 + "1", "公式嵌套过深"),
        ("=" + "SUM(" * 100 + "1" + ")" * 100, "公式嵌套过深"),
        ("=1E400", "太大"),
        ("=1E300*1E300", "计算结果太大"),
        ("=ROUND(1E308*10,2)", "计算结果太大"),
        ("=SUM(A1:XFD1048576)", "太大"),  # with no used area to clip it to
        ("=XFE1", "超出了工作表的范围"),
        ("=", "公式不完整"),
    ],
)
def test_anything_else_is_a_formula_error(formula, message):
    with pytest.raises(FormulaError) as caught:
        evaluate(formula, "附件1", _lookup)
    assert message in str(caught.value)


def test_a_range_is_clipped_to_the_used_area():
    assert evaluate("=SUM(A1:XFD1048576)", "附件1", _lookup, lambda sheet: (3, 2)) == 6
    assert evaluate("=ROUND(1,999999)", "附件1", _lookup) == 1  # as Excel: beyond a float's precision


def test_an_xlsx_missing_a_column_names_the_header_cell(tmp_path):
    workbook = tmp_path / "附件.xlsx"
    _workbook_like_the_attachments(workbook, drop_column="逾期量")
    with pytest.raises(DataError, match=r"工作表“附件1”第3行：表头应为"):
        parse_workbook(workbook)


def test_an_xlsx_with_shifted_cells_names_the_row(tmp_path):
    workbook = tmp_path / "附件.xlsx"
    _workbook_like_the_attachments(workbook, shift_row=2)
    with pytest.raises(DataError, match=r"工作表“附件1”第6行（雷牙镇）：这一行有9个单元格"):
        parse_workbook(workbook)


def test_a_shifted_row_in_the_text_names_its_line(tmp_path):
    text = REFERENCE.read_text(encoding="utf-8").replace("尧禾镇\t64\t", "尧禾镇\t\t64\t", 1)
    with pytest.raises(DataError) as caught:
        parse_circular_text(text, tmp_path / "通报.txt")
    assert caught.value.line == 62


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("不存在的通报.txt", "找不到这个文件"),
        (".", "这不是一个文件"),
        ("通报.pdf", "只能导入通报原文"),
    ],
)
def test_a_wrong_import_path_is_a_named_error(empty_data, tmp_path, capsys, source, message):
    path = tmp_path / source
    if source.endswith(".pdf"):
        path.write_bytes(b"%PDF")
    assert _import_script(path, "--entered-by", "测试", "--data", empty_data) == 1
    error = capsys.readouterr().err
    assert "导入失败，没有写入或改动任何文件" in error and message in error and "Traceback" not in error


def test_a_gbk_text_is_refused_with_its_encoding(empty_data, tmp_path, capsys):
    source = tmp_path / "通报.txt"
    source.write_bytes(REFERENCE.read_text(encoding="utf-8").encode("gbk"))
    assert _import_script(source, "--entered-by", "测试", "--data", empty_data) == 1
    assert "GBK" in capsys.readouterr().err


def test_an_unknown_unit_is_named_with_the_closest_names_and_nothing_is_written(empty_data, tmp_path, capsys):
    source = tmp_path / "通报.txt"
    source.write_text(REFERENCE.read_text(encoding="utf-8").replace("\t交警大队\t", "\t交警队\t"), "utf-8")
    before = _tree(empty_data)
    assert _import_script(source, "--entered-by", "测试", "--data", empty_data) == 1
    error = capsys.readouterr().err
    assert "“交警队”不在单位名录" in error and "交警大队" in error
    assert (
        str(empty_data / "quarters" / "2024Q1" / "departments.csv") in error
    )  # where it would be, not a scratch folder
    assert _tree(empty_data) == before


# --- re-importing a published quarter ------------------------------------------------------------------


def _changed_source(tmp_path: Path) -> Path:
    source = tmp_path / "通报.txt"
    source.write_text(REFERENCE.read_text(encoding="utf-8").replace("尧禾镇\t64\t", "尧禾镇\t65\t", 1), "utf-8")
    return source


def test_replace_with_a_changed_number_and_no_log_entry_is_refused_and_changes_nothing(data_copy, tmp_path, capsys):
    before = _tree(data_copy)
    assert _import_script(_changed_source(tmp_path), "--entered-by", "测试", "--data", data_copy, "--replace") == 1
    error = capsys.readouterr().err
    assert "更正记录中没有登记这些文件的改动，已有数据保持不变" in error
    assert "towns.csv：尧禾镇「承办工单量」64 → 65" in error
    assert _tree(data_copy) == before


def test_replace_with_a_reason_logs_every_changed_cell_then_swaps_in(data_copy, tmp_path, capsys):
    source = _changed_source(tmp_path)
    assert (
        _import_script(source, "--entered-by", "测试", "--data", data_copy, "--replace", "--reason", "附件1误录") == 0
    )
    printed = capsys.readouterr().out
    assert "towns.csv：尧禾镇「承办工单量」64 → 65" in printed and "已登记到更正记录" in printed
    log = provenance.read_corrections(data_copy)[-1]
    assert (log.files, log.change, log.reason) == (("towns.csv",), "重新导入：尧禾镇「承办工单量」64 → 65", "附件1误录")
    folder = data_copy / "quarters" / "2024Q1"
    provenance.verify(data_copy, folder)
    assert "尧禾镇,,65" in (folder / "towns.csv").read_text(encoding="utf-8")


def test_replace_after_staff_logged_the_change_themselves(data_copy, tmp_path):
    log = data_copy / "corrections.csv"
    log.write_text(log.read_text(encoding="utf-8") + "2026-12-01,2024Q1,towns.csv,尧禾镇64改为65,原文更正\n", "utf-8")
    assert _import_script(_changed_source(tmp_path), "--entered-by", "测试", "--data", data_copy, "--replace") == 0
    provenance.verify(data_copy, data_copy / "quarters" / "2024Q1")


def test_replace_with_identical_data_writes_nothing(data_copy, capsys):
    before = _tree(data_copy)
    assert _import_script(REFERENCE, "--entered-by", "测试", "--data", data_copy, "--replace") == 0
    assert "没有改动任何文件" in capsys.readouterr().out
    assert _tree(data_copy) == before


def test_replace_with_an_unknown_unit_leaves_the_quarter_as_it_was(data_copy, tmp_path):
    source = tmp_path / "通报.txt"
    source.write_text(REFERENCE.read_text(encoding="utf-8").replace("\t交警大队\t", "\t交警队\t"), "utf-8")
    before = _tree(data_copy)
    assert _import_script(source, "--entered-by", "测试", "--data", data_copy, "--replace", "--reason", "x") == 1
    assert _tree(data_copy) == before


def test_importing_over_an_existing_quarter_needs_replace(data_copy, capsys):
    assert _import_script(REFERENCE, "--entered-by", "测试", "--data", data_copy) == 1
    assert "这个季度已经有数据；确需重新导入请加 --replace" in capsys.readouterr().err


def test_record_checksums_names_its_errors(data_copy, capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location("record", REPO / "scripts" / "record_checksums.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["2099Q1", "--data", str(data_copy)]) == 1
    assert "没有 2099Q1 这个季度" in capsys.readouterr().err
    towns = data_copy / "quarters" / "2024Q1" / "towns.csv"
    towns.write_text(towns.read_text(encoding="utf-8").replace("尧禾镇,,64", "尧禾镇,,65"), "utf-8")
    assert module.main(["2024Q1", "--data", str(data_copy)]) == 1
    error = capsys.readouterr().err
    assert "towns.csv 已改动，但更正记录中没有登记这一改动" in error and "Traceback" not in error


def test_the_kept_source_text_is_the_one_recorded_in_provenance():
    record = provenance.read(DATA, Q1)
    assert REFERENCE.name in record.source
    assert provenance.file_sha256(REFERENCE) == record.source_checksum


REWORDED = {
    "headline": (
        "{period}，全市12345热线受理群众诉求{received}，其中电话直接答复{answered_directly}，转交镇（办）{assigned_towns}"
        "{towns_outstanding}，转交部门{assigned_departments}{departments_outstanding}；截至{completed_as_of}，"
        "已办结{completed}（办结率{completion_rate}），延期{extended}，重办{redone}，逾期{overdue}，"
        "联合派单{joint_dispatch}{joint_outstanding}。",
        "一季度，全市12345热线受理群众诉求1615件，其中电话直接答复56件，转交镇（办）389件，林皋镇2件尚未办结，"
        "转交部门1170件，市场局1件尚未办结；截至4月19日，已办结1612件（办结率99.8%），延期14件，重办13件，"
        "逾期15件，联合派单51件全部办结。",
    ),
    "top_volume": (
        "按工单量排在前列的是{top_volume}。",
        "按工单量排在前列的是劳动监察大队（139）、市场局（95）、城关街道办（81）、交通局（71）。",
    ),
    "best_units": (
        "{period}表现突出的单位是{best_units}（排名不分先后）。",
        "一季度表现突出的单位是城关街道办、尧禾镇、人社局、市场局、公安局（排名不分先后）。",
    ),
}


def test_a_circular_worded_otherwise_is_read_by_its_formats_sentences(empty_data, tmp_path, capsys):
    """Another place words 一、基本情况 otherwise (none of Baishui's phrases); with those sentences
    in its format, importing its text gives the same figures and lists, byte for byte."""
    text = REFERENCE.read_text(encoding="utf-8")
    path = empty_data / "format.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("[wording]")
    for key, (sentence, printed) in REWORDED.items():
        at = next(n for n in range(start, len(lines)) if lines[n].startswith(f"{key} = "))
        lines[at] = f'{key} = "{sentence}"'
        old = next(line for line in text.splitlines() if re.search(ORIGINAL[key], line))
        text = text.replace(old, printed + old[re.search(ORIGINAL[key], old).end() :], 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for phrase in ("共受理事项", "交办各镇（办）", "工单量较多的是", "综合成绩较好的单位有"):
        assert phrase not in text
    source = tmp_path / "通报.txt"
    source.write_text(text, encoding="utf-8")
    assert _import_script(source, "--entered-by", "测试", "--data", empty_data) == 0, capsys.readouterr()
    for name in schema.QUARTER_FILES:
        assert (empty_data / "quarters" / "2024Q1" / name).read_bytes() == (Q1 / name).read_bytes(), name


ORIGINAL = {  # each reworded sentence of the reference text, up to where it ends
    "headline": r"^一季度，我县.*?全部办结。",
    "top_volume": r"^从承办数量看.*?。",
    "best_units": r"^一季度综合成绩较好的单位有：.*?。",
}


def test_a_joint_dispatch_not_done_elsewhere_in_the_sentence_is_no_units(empty_data, tmp_path, capsys):
    """Where the format's sentence holds the units not done, they are read from there only: a
    "，12件尚未办结" of the joint dispatches written apart is not a unit named "1"."""
    path = empty_data / "format.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "联合派单{joint_dispatch}{joint_outstanding}。", "联合派单{joint_dispatch}，{joint_outstanding}。"
        ),
        encoding="utf-8",
    )
    text = REFERENCE.read_text(encoding="utf-8").replace("联合派单51件全部办结。", "联合派单51件，12件尚未办结。")
    from hotline.data.importer import parse_circular_text
    from hotline.format import load as load_format

    imported = parse_circular_text(text, tmp_path / "通报.txt", None, load_format.load(empty_data).wording.pieces())
    assert imported.circular["headline"]["outstanding"] == [
        {"unit": "林皋镇", "count": 2},
        {"unit": "市场局", "count": 1},
    ]
