"""Measure how fast the site builds on a large synthetic history, and print a table.

Usage: .venv/bin/python scripts/benchmark.py [--quarters 40] [--units 300]

(a) full build from nothing, (b) rebuild with nothing changed, (c) rebuild after one quarter's
data changed (three times, a different quarter each time; the median is reported), (d) peak
memory (the largest single process), (e) the same pages built by plain `jupyter-book build`
with `execute_notebooks: cache` executing the notebooks itself, from nothing.
Then page weight, as a reader on a phone gets it: bytes, requests and load time of a first visit
on a slow 4G connection (Chromium, throttled; see hotline.site.weight), for the home page and the
2024 Q1 page of the real site (built from data/ into _build/bench/real) and for the home page and
the latest quarter page of the 40-quarter site.
Everything is written under _build/bench/; data/ is not touched.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

from hotline.data import provenance
from hotline.data.quarter_id import quarters_dir
from hotline.examples import generate as examples
from hotline.site import chromium, weight

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "_build" / "bench"
TARGETS = {"full": 60.0, "unchanged": 3.0, "one_quarter": 15.0}
REBUILDS = 3  # (c) is measured this many times, each after a different quarter changed


def timed(command: list[str], **kwargs) -> tuple[float, str]:
    started = time.monotonic()
    result = subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)
    return time.monotonic() - started, result.stdout


def build(data: Path, output: Path) -> tuple[float, str]:
    """Seconds, and the build's own line of seconds per step (empty when nothing ran)."""
    seconds, printed = timed(
        [sys.executable, "-m", "hotline.site", "--data", str(data), "--output", str(output)], cwd=REPO
    )
    steps = next((line for line in printed.splitlines() if line.startswith("各步用时")), "")
    return seconds, steps


def change_one_quarter(data: Path, step: int = 0) -> str:
    """A logged correction to one quarter (the middle one, or ``step`` quarters after it): one
    town's work orders plus one, its checksums recorded."""
    folders = sorted(quarters_dir(data).iterdir())
    folder = folders[(len(folders) // 2 + step) % len(folders)]
    towns = folder / "towns.csv"
    lines = towns.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[2] = str(int(cells[2]) + 1)
    lines[1] = ",".join(cells)
    towns.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log = data / provenance.CORRECTIONS_FILE
    log.write_text(
        log.read_text(encoding="utf-8") + f"2026-01-01,{folder.name},towns.csv,基准测试改动,基准测试\n", "utf-8"
    )
    provenance.record_checksums(folder)
    return folder.name


def reference_book(work_book: Path, target: Path) -> Path:
    """The same pages as our build, but unexecuted, for Jupyter Book to execute with its cache."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(work_book, target, ignore=shutil.ignore_patterns("_build"))
    templates = {"index": "home", "comparison": "comparison", "methodology": "methodology"}
    for page in target.rglob("*.ipynb"):
        executed = nbformat.read(page, as_version=4)
        injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
        namespace: dict = {}
        exec(injected.source, namespace)  # the parameters papermill gave this page
        parameters = {k: v for k, v in namespace.items() if not k.startswith("__")}
        name = templates.get(page.stem, "quarter")
        template = load_notebook_node(str(REPO / "notebooks" / f"{name}.ipynb"))
        nbformat.write(parameterize_notebook(template, parameters), page)
    config = target / "_config.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('execute_notebooks: "off"', "execute_notebooks: cache")
    )
    return target


def page_weights(pages: list[tuple[Path, str, str]]) -> list[tuple[str, weight.Weight]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium.executable(), args=chromium.ARGS)
        try:
            return [(label, weight.measure(site, [page], browser)[0]) for site, page, label in pages]
        finally:
            browser.close()


def weight_rows(weights: list[tuple[str, weight.Weight]]) -> list[tuple[str, str, str, bool]]:
    """Each page's first visit: bytes and requests (targets: home ≤ 500 KB and ≤ 15 requests, a
    quarter page ≤ 700 KB with its charts) and slow-4G load time (≤ 4 s)."""
    t = weight.TARGETS
    rows = []
    for label, found in weights:
        home = found.page == "index.html"
        limit = t["home_kb"] if home else t["quarter_kb"]
        size_ok = found.kilobytes <= limit and (not home or found.requests <= t["home_requests"])
        rows.append(
            (
                f"{found.page} ({label}): first visit",
                f"{found.kilobytes:.0f} KB, {found.requests} req",
                f"≤ {limit} KB" + (f", ≤ {t['home_requests']} requests" if home else ""),
                size_ok,
            )
        )
        rows.append(
            (
                "  … load on slow 4G",
                f"{found.load_seconds:.1f} s",
                f"≤ {t['load_s']:.0f} s",
                found.load_seconds <= t["load_s"],
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quarters", type=int, default=40)
    parser.add_argument("--units", type=int, default=300)
    args = parser.parse_args()
    data, output = BENCH / "data", BENCH / "html"
    shutil.rmtree(BENCH, ignore_errors=True)
    examples.generate_benchmark(data, args.quarters, args.units)
    print(f"{args.quarters} quarters × {args.units} units on {os.cpu_count()} cores; generated in {data}")

    full, full_steps = build(data, output)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"(a) full build: {full:.1f} s; {full_steps}", flush=True)
    unchanged, _ = build(data, output)
    print(f"(b) nothing changed: {unchanged:.1f} s", flush=True)
    # (c) is short, so a burst of load on a shared machine moves it most: three quarters are
    # changed in turn, each rebuild is printed, and the table shows the median.
    rebuilds = []
    for step in range(REBUILDS):
        changed = change_one_quarter(data, step)
        seconds, steps = build(data, output)
        rebuilds.append(seconds)
        print(f"(c) {changed} changed: {seconds:.1f} s; {steps}", flush=True)
    one_quarter = statistics.median(rebuilds)
    latest = sorted((output / "quarters").glob("*.html"))[-1]
    real = BENCH / "real"
    build(REPO / "data", real)
    pages = [(real, "index.html", "real"), (real, "quarters/2024Q1.html", "real")]
    pages += [(output, "index.html", "40 quarters"), (output, f"quarters/{latest.name}", "40 quarters")]
    weights = page_weights(pages)

    book = reference_book(BENCH / ".work-html" / "book", BENCH / "reference")
    jupyter_book = str(Path(sys.executable).parent / "jupyter-book")
    reference, _ = timed([jupyter_book, "build", str(book), "--builder", "html"], cwd=REPO)

    rows = [
        (
            "(a) full build",
            f"{full:.1f} s",
            f"≤ {TARGETS['full']:.0f} s and ≥ 2× faster than (e)",
            full <= TARGETS["full"] and reference / full >= 2,
        ),
        (
            "(b) rebuild, nothing changed",
            f"{unchanged:.1f} s",
            f"≤ {TARGETS['unchanged']:.0f} s",
            unchanged <= TARGETS["unchanged"],
        ),
        (
            f"(c) rebuild, one quarter changed (median of {REBUILDS})",
            f"{one_quarter:.1f} s",
            f"≤ {TARGETS['one_quarter']:.0f} s; (c)/(a) = {one_quarter / full:.3f}",
            one_quarter <= TARGETS["one_quarter"],
        ),
        ("(d) peak memory (largest process)", f"{peak_mb:.0f} MB", "—", None),
        (
            "(e) plain jupyter-book, execute: cache",
            f"{reference:.1f} s",
            f"the reference for (a): (a) is {reference / full:.1f}× faster",
            None,
        ),
        *weight_rows(weights),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure'.ljust(width)} | result   | target | met")
    for name, result, target, met in rows:
        print(f"{name.ljust(width)} | {result.ljust(8)} | {target} | {'—' if met is None else 'yes' if met else 'NO'}")


if __name__ == "__main__":
    main()
