"""Shared fixtures. The site is built once per test session (into a temporary folder, never
_build/html) and shared by every test that reads it; a test that changes files works on its own
copy (``data_copy``, ``workspace``), so the suite passes in any order. Costly fixtures are
session-scoped even when one module uses them: pytest-xdist interleaves modules on a worker, which
would set a module-scoped fixture up again each time its module comes back."""

from __future__ import annotations

import fcntl
import functools
import http.server
import os
import pickle
import shutil
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import settings

import hotline.site  # noqa: F401  (first: the tests' processes skip a slow optional import too)
from hotline.data import provenance
from hotline.data.quarters import load_quarter
from hotline.data.registry import Registry
from hotline.format import load as load_format
from hotline.rules.history import History

# Property-based tests: `make test` tries 300 inputs each, `make test-fast` 60 (HYPOTHESIS_PROFILE).
settings.register_profile("full", max_examples=300)
settings.register_profile("quick", max_examples=60)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
ARTIFACTS = REPO / "test-artifacts"
CIRCULAR = load_format.load(DATA)  # Baishui's circular format (data/format.toml)
FULL = CIRCULAR.score.full_marks
LABELS = CIRCULAR.labels


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry.load(DATA)


@pytest.fixture(scope="session")
def q1():
    return load_quarter(DATA, "2024Q1")


@pytest.fixture(scope="session")
def history() -> History:
    return History.build(DATA)


@pytest.fixture(scope="session")
def q1_result(history):
    return history.result("2024Q1")


@pytest.fixture(scope="session")
def q1_charts(q1_result, tmp_path_factory, worker_id) -> dict:
    """The 2024 Q1 page's three charts, drawn once for the tests that only read them."""
    from hotline.pages import charts

    zh = q1_result.id.zh
    return shared(
        tmp_path_factory,
        worker_id,
        "q1-charts",
        lambda folder: {
            "work_orders": charts.work_orders_by_unit(q1_result.units, zh, LABELS),
            "composite_scores": charts.composite_scores(q1_result.ranking, zh, FULL, LABELS),
            "problems": charts.problems_by_unit(q1_result.units, zh),
        },
    )


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def edit_line(path: Path, line: int, new_text: str) -> None:
    """Replace line number ``line`` (1 = header) of a data file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = new_text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def rerecord(data: Path, quarter: str = "2024Q1") -> None:
    """Record a quarter's checksums as they are now, bypassing the corrections log: for tests whose
    subject is another check, so that the checksum check does not catch their change first."""
    folder = data / "quarters" / quarter
    record = provenance.read(data, folder)
    text = (folder / provenance.PROVENANCE_FILE).read_text(encoding="utf-8")
    for name in provenance.TRACKED_FILES:
        text = text.replace(record.checksums[name], provenance.file_sha256(folder / name))
    (folder / provenance.PROVENANCE_FILE).write_text(text, encoding="utf-8")


def correct(data: Path, file: str, old: str, new: str, quarter: str = "2024Q1") -> None:
    """A logged correction, as staff make one."""
    path = data / "quarters" / quarter / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    log = data / provenance.CORRECTIONS_FILE
    log.write_text(log.read_text(encoding="utf-8") + f"2026-12-15,{quarter},{file},测试更正,测试\n", encoding="utf-8")
    provenance.record_checksums(data / "quarters" / quarter)


def project_copy(tmp_path: Path) -> Path:
    """The book files, notebook templates and pins of the project, for a test that changes them."""
    root = tmp_path / "root"
    root.mkdir()
    for name in ("_config.yml", "_toc.yml", "requirements.txt"):
        shutil.copy2(REPO / name, root / name)
    for name in ("_static", "notebooks"):
        shutil.copytree(REPO / name, root / name)
    return root


# --- the site, built once ------------------------------------------------------------------------


def shared(tmp_path_factory, worker_id: str, name: str, make):
    """A value made once per test session: under pytest-xdist the first worker to need it makes it
    (``make(folder)``, with a folder of its own in the run's shared temporary folder) while the
    others wait, and they all read it back (it is pickled)."""
    base = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        base = base.parent  # the folder the workers' own temporary folders are in
    kept = base / f"{name}.pickle"
    with (base / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if kept.is_file():
            return pickle.loads(kept.read_bytes())
        value = make(base / name)
        kept.write_bytes(pickle.dumps(value))
        return value


def shared_build(tmp_path_factory, worker_id: str, name: str, make_data) -> object:
    """A site built once per test session (see :func:`shared`). ``make_data(folder)`` returns the
    data folder to build from (made inside ``folder``)."""
    from hotline.site import build

    def make(folder: Path):
        return build.build(make_data(folder), folder / "_build" / "html")

    return shared(tmp_path_factory, worker_id, name, make)


@pytest.fixture(scope="session")
def built(tmp_path_factory, worker_id):
    """The site of data/, built once per test session (see :func:`shared_build`)."""
    return shared_build(tmp_path_factory, worker_id, "session-site", lambda folder: DATA)


@pytest.fixture(scope="session")
def site(built) -> Path:
    return built.output


@functools.cache
def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def soup(site: Path, page: str) -> BeautifulSoup:
    """A built page, parsed (parse once, read many: do not modify the result)."""
    return _soup(site / page)


def text_of(element) -> str:
    """Visible text, whitespace collapsed, so assertions read like the page."""
    return " ".join(element.get_text(" ").split())


@pytest.fixture
def workspace(built, tmp_path):
    """A private copy of data/ and of the session site's caches and output, for a test that
    rebuilds: its first rebuild starts warm, as a staff member's would."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    output = tmp_path / "_build" / "html"
    shutil.copytree(built.output, output)
    work = built.output.parent / f".work-{built.output.name}"
    shutil.copytree(work, tmp_path / "_build" / f".work-{output.name}", symlinks=True)
    return data, output


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder: Path):
    """Serve a folder on an unused localhost port; returns (base URL, server)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (installed by `make test`), driven by Playwright."""
    from playwright.sync_api import sync_playwright

    from hotline.site import chromium

    executable = chromium.executable()
    if executable is None:
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium; run it instead of pytest alone")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=chromium.ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def base_url(site):
    url, server = serve(site)
    yield url
    server.shutdown()


def _tree_digest(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session", autouse=True)
def project_data_untouched():
    """No test may change the project's own data/ (a command run without its --data option would):
    every test works on a copy."""
    before = _tree_digest(DATA)
    yield
    after = _tree_digest(DATA)
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert not changed, f"a test changed the project's data/: {changed}"


def scroll_to_every_image(page) -> None:
    """Bring each image of the page's main part into view and wait until all have loaded."""
    for image in page.locator("main img").all():
        image.scroll_into_view_if_needed()
    # Polled from here: wait_for_function compiles its string in the page, which a page served with
    # the site's Content-Security-Policy (no 'unsafe-eval') refuses whenever the first look fails.
    for _ in range(200):
        if page.evaluate("[...document.querySelectorAll('main img')].every(e => e.complete)"):
            return
        page.wait_for_timeout(50)
    raise AssertionError("页面的图片10秒内没有全部载入")


@pytest.fixture
def page(browser):
    """A desktop reader's tab (1280 × 900, Chinese), collecting console and page errors in ``.errors``."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.errors = []
    opened.on("console", lambda message: message.type == "error" and opened.errors.append(message.text))
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    yield opened
    context.close()
