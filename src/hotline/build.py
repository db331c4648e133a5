"""Build the public site: validate data/, run the notebooks with papermill, assemble with Jupyter Book.

Nothing is written to the published folder unless every step succeeds: the book is built in a
staging folder beside it and swapped in at the end, so a failed build leaves the previous site as
it was. Usage: ``python -m hotline.build [--data DIR] [--output DIR]``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill

from . import pdf, provenance, site_pages
from .circular import page_title
from .errors import DataError
from .history import History
from .loading import Quarter, load_all, quarters_dir

REPO = Path(__file__).resolve().parents[2]
BOOK_FILES = ("_config.yml", "_toc.yml")
BOOK_DIRS = ("_static",)
SEARCH_DICT = Path("_search") / "units.dict.txt"  # relative to the book; named in _config.yml
GLYPH_WARNING = re.compile(r"Glyph \d+ .*missing from", re.IGNORECASE)


class BuildError(RuntimeError):
    """A build step failed; the message says which and where its log is."""


@dataclass(frozen=True)
class BuildResult:
    output: Path
    log: Path
    quarters: list[str]
    seconds: float


def validate(data_dir: Path) -> list[Quarter]:
    """Load every quarter and verify its checksums; the first problem stops the build."""
    quarters = load_all(data_dir)
    for quarter in quarters:
        provenance.verify(quarters_dir(data_dir) / str(quarter.id))
    return quarters


def hide_injected_parameters(notebook: nbformat.NotebookNode) -> None:
    """papermill tags the cell it adds but does not hide it; the public never sees parameters."""
    for cell in notebook.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")


def strip_run_metadata(notebook: nbformat.NotebookNode) -> None:
    """Drop papermill's timestamps and durations so the same data gives the same bytes."""
    notebook.metadata.pop("papermill", None)
    for cell in notebook.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)


def retitle(notebook: nbformat.NotebookNode, title: str, path: Path) -> None:
    """Replace the template's placeholder heading with the page's real title."""
    first = notebook.cells[0]
    if first.cell_type != "markdown" or not first.source.startswith("# "):
        raise BuildError(f"{path}: 模板的第一个单元格应是一级标题")
    first.source = f"# {title}"


def _execute(template: Path, target: Path, parameters: dict, log_dir: Path) -> nbformat.NotebookNode:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(
            str(template),
            str(target),
            parameters=parameters,
            cwd=str(target.parent),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
        )
    except papermill.PapermillExecutionError as exc:
        kept = log_dir / target.name
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, kept)
        raise BuildError(
            f"笔记本执行失败：{template.name}（参数 {parameters}），第{exc.exec_count}个代码单元格："
            f"{exc.ename}: {exc.evalue}\n已执行的笔记本保存在 {kept}"
        ) from None
    notebook = nbformat.read(target, as_version=4)
    hide_injected_parameters(notebook)
    strip_run_metadata(notebook)
    return notebook


def write_search_dictionary(quarters: list[Quarter], book: Path) -> Path:
    """A jieba user dictionary of every unit name, so search indexes 劳动监察大队 as one word."""
    names = sorted({name for q in quarters for name in q.units["unit"]})
    path = book / SEARCH_DICT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{name} 100000 nt\n" for name in names), encoding="utf-8")
    return path


def _jupyter_book(book: Path, log: Path) -> None:
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", ".", "--builder", "html", "-W", "-n"]
    env = os.environ | {"PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "1704067200", "MPLBACKEND": "Agg"}
    result = subprocess.run(command, cwd=book, env=env, capture_output=True, text=True)
    log.write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise BuildError(f"Jupyter Book 构建失败，完整日志见 {log}：\n{tail}")
    glyphs = [line for line in log.read_text(encoding="utf-8").splitlines() if GLYPH_WARNING.search(line)]
    if glyphs:
        raise BuildError(f"图表中有字体缺字（会显示为方框），见 {log}：\n" + "\n".join(glyphs[:5]))


def expand_quarter_navigation(toc: Path, quarters: list[Quarter]) -> None:
    """List the quarter pages newest first in place of the glob, so adding a quarter updates the
    navigation without anyone editing _toc.yml."""
    text = toc.read_text(encoding="utf-8")
    entries = "\n".join(f"      - file: quarters/{q.id}" for q in reversed(quarters))
    if "      - glob: quarters/*" not in text:
        raise BuildError(f"{toc.name} 中应有一行“      - glob: quarters/*”，用来放季度通报页面")
    toc.write_text(text.replace("      - glob: quarters/*", entries), encoding="utf-8")


def print_quarters(html: Path, quarters: list[Quarter]) -> None:
    """A PDF of every quarter page, laid out by the print stylesheet, at pdf/<quarter>.pdf."""
    browser = pdf.chromium()
    if browser is None:
        raise BuildError(
            "找不到 Chromium，无法生成打印版 PDF：请用 make site 构建（会自动安装），或安装 chromium 与 fonts-noto-cjk"
        )
    for quarter in quarters:
        try:
            pdf.print_page(html / "quarters" / f"{quarter.id}.html", html / "pdf" / f"{quarter.id}.pdf", browser)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            raise BuildError(f"{quarter.id} 的打印版 PDF 生成失败：{exc}") from None


def _publish(built: Path, output: Path) -> None:
    """Swap the new site in; the old one is removed only after the new one is in place."""
    previous = output.with_name(output.name + ".previous")
    if previous.exists():
        shutil.rmtree(previous)
    if output.exists():
        output.rename(previous)
    built.rename(output)
    if previous.exists():
        shutil.rmtree(previous)


def build(data_dir: Path = REPO / "data", output: Path = REPO / "_build" / "html", root: Path = REPO) -> BuildResult:
    started = time.monotonic()
    data_dir, output = Path(data_dir).resolve(), Path(output).resolve()
    quarters = validate(data_dir)
    output.parent.mkdir(parents=True, exist_ok=True)
    log_dir = output.parent / "logs"
    log_dir.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=output.parent))
    try:
        book = staging / "book"
        book.mkdir()
        for name in BOOK_FILES:
            shutil.copy2(root / name, book / name)
        expand_quarter_navigation(book / "_toc.yml", quarters)
        for name in BOOK_DIRS:
            shutil.copytree(root / name, book / name)
        for quarter in quarters:
            target = book / "quarters" / f"{quarter.id}.ipynb"
            parameters = {"quarter": str(quarter.id), "data_dir": str(data_dir)}
            notebook = _execute(root / "notebooks" / "quarter.ipynb", target, parameters, log_dir)
            retitle(notebook, page_title(quarter), target)
            nbformat.write(notebook, target)
        for template, page in (("home", "index"), ("comparison", "comparison"), ("methodology", "methodology")):
            target = book / f"{page}.ipynb"
            notebook = _execute(root / "notebooks" / f"{template}.ipynb", target, {"data_dir": str(data_dir)}, log_dir)
            nbformat.write(notebook, target)
        site_pages.write_all(History.load(data_dir), data_dir, book)
        write_search_dictionary(quarters, book)
        log = log_dir / "jupyter-book.log"
        _jupyter_book(book, log)
        html = book / "_build" / "html"
        print_quarters(html, quarters)
        _publish(html, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(output, log, [str(q.id) for q in quarters], time.monotonic() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="校验 data/ 并构建网站到 _build/html")
    parser.add_argument("--data", type=Path, default=REPO / "data", help="数据文件夹（默认 data/）")
    parser.add_argument("--output", type=Path, help="网站输出文件夹（默认 _build/html；--demo 时为 _build/demo/html）")
    parser.add_argument(
        "--demo", action="store_true", help="在真实数据之外加上3个程序生成的示例季度（标注“示例数据”），只用于演示"
    )
    args = parser.parse_args(argv)
    try:
        data_dir = args.data
        if args.demo:
            from . import examples

            data_dir = REPO / "_build" / "demo" / "data"
            made = examples.generate(args.data, data_dir)
            print(f"示例季度已生成到 {data_dir}：{'、'.join(map(str, made))}（不写入 data/）")
        default = REPO / "_build" / ("demo/html" if args.demo else "html")
        result = build(data_dir, args.output or default)
    except (DataError, BuildError) as exc:
        print(f"构建失败，网站未更新。\n{exc}", file=sys.stderr)
        return 1
    print(f"网站已构建：{result.output}（季度：{'、'.join(result.quarters)}；用时 {result.seconds:.0f} 秒）")
    print("本地预览：make serve，然后打开 http://127.0.0.1:8000/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
