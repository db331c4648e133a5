"""Indexes of the finished site, read from its pages: the search data the search page loads, and the
sitemap.

The search data hold, for each page, its title, its kind (a quarter's circular, a unit, another
page), its headings and its prose: the sentences of its paragraphs and lists, never table cells,
captions, navigation, labels (逾期率, 1615件) or a circular's document header (issuer, number,
addressees), so that a result's snippet is a sentence a reader can read. The words in its tables,
labels and header (unit names, column headings) are searched too, but never shown. A page's lead
is its first real sentence (a unit page's: its latest figures). A page is found first by the names
a reader gives it: a unit by its current, former and full names (白水县市场监督管理局, also without the
county), and by the words citizens use for it (供电, 自来水: the registry's 搜索词); a quarter's circular
by the quarter's names (2024年第一季度, 2024年一季度, 2024Q1). The words of the site (jieba, with every
unit name as one word) let the page split a query written without spaces. A page's entry and its
words are cached by its bytes (the words also by the unit names), so a rebuild reads and splits
only the pages that changed; the word splitter is made ready (:func:`prepare`) while Sphinx still
builds the pages. The 网站地图 page is not searched: it names every unit.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import threading
from pathlib import Path
from xml.sax.saxutils import escape

import lxml.html

from hotline.data.quarter_id import QuarterId
from hotline.pages import links
from hotline.pages.search import SEARCH_DATA
from hotline.rules.history import History
from hotline.site import keys

SITEMAP = "sitemap.xml"
_SENTENCE = re.compile(r"[^。！？；]+[。！？；]?")
_SKIPPED = ("table", "figure", "nav", "figcaption", "script", "style", "form")
_QUARTER = re.compile(r"^quarters/(\d{4}Q[1-4])\.html$")
ENTRY_FORMAT = b"entry-4\0"  # changed with page_entry's output, so no cached entry of an older form is read
NOT_SEARCHED = (f"{links.SITE_MAP}.html",)  # 网站地图: every unit's name, a result of each


def _pages(site: Path, drafts: tuple[str, ...] = ()) -> list[Path]:
    """The reading pages of a site (not the search page, nor the theme's files, nor the pages of
    ``drafts``, quarters a preview shows that must never be found or listed)."""
    hidden = {f"quarters/{quarter}.html" for quarter in drafts}
    return sorted(
        p
        for p in site.rglob("*.html")
        if p.relative_to(site).parts[0] != "_static"
        and p.name not in ("search.html", "genindex.html")
        and p.relative_to(site).as_posix() not in hidden
    )


def draft_ids(history: History) -> tuple[str, ...]:
    return tuple(str(r.id) for r in history.results if r.quarter.is_draft)


def _text(element) -> str:
    """An element's text as a reader sees it: its pieces joined, runs of white space as one."""
    return " ".join(" ".join(element.itertext()).split())


def _header(element) -> bool:
    """Part of a circular's document header (issuer, number, title, addressees, downloads): words
    to search, not sentences to show."""
    return any(
        c.startswith("doc-") for node in [element, *element.iterancestors()] for c in (node.get("class") or "").split()
    )


def _label(text: str) -> bool:
    """A label or a figure (逾期率, 1615件, 编号：D22) rather than a sentence: searched, not shown."""
    return len(text) < 8 and not text.endswith(tuple("。！？；"))


def _noted(element) -> bool:
    """In a note above the page (example data, corrections made since issue): searched and shown
    when it matches, but no page's lead."""
    return any("admonition" in (node.get("class") or "").split() for node in [element, *element.iterancestors()])


def _lead(sentences: list[str]) -> str:
    """The first sentence that reads as one (ends as a sentence and says something), else the first."""
    whole = (s for s in sentences if s.endswith(tuple("。！？；：")) and len(s) >= 12)
    return next(whole, sentences[0] if sentences else "")


def page_entry(html: str, url: str) -> dict:
    """One page's search entry. Read with lxml's parser: with BeautifulSoup the search data of a
    site of hundreds of unit pages took half a minute to make."""
    document = lxml.html.document_fromstring(html)
    main = next(iter(document.xpath("//article | //main")), document)
    heading = main.find(".//h1")
    title = _text(heading if heading is not None else document.find(".//title"))
    sentences, prose, headings, hidden, lead = [], [], [], [], ""
    for element in main.iter("p", "li", "dd", "dt", "h2", "h3", "blockquote"):
        skipped = any(ancestor.tag in _SKIPPED for ancestor in element.iterancestors())
        if skipped or element.find(".//p") is not None or element.find(".//li") is not None:
            continue
        text = _text(element).replace(" ，", "，").replace(" 。", "。")
        if not text:
            continue
        if _header(element):
            hidden.append(text)
            continue
        if element.tag in ("h2", "h3"):
            headings.append(text)
            continue
        if _label(text):
            hidden.append(text)
            continue
        if "latest" in (element.get("class") or "").split() and not lead:
            lead = text
        found = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
        sentences += found
        if not _noted(element):
            prose += found
    # Words of the page's tables (unit names, column headings) and header, searched but never shown
    cells = {_text(c) for c in main.iter("th", "td") if any(a.tag == "table" for a in c.iterancestors())}
    extra = " ".join([*sorted(c for c in cells if c and re.search(r"[\u4e00-\u9fff]", c)), *hidden])
    quarter = _QUARTER.match(url)
    kind = "q" if quarter else ("u" if url.startswith("units/unit-") else "p")
    return {
        "u": url,
        "t": title,
        "k": kind,
        "q": quarter.group(1) if quarter else "",
        "l": lead or _lead(prose or sentences),
        "s": sentences,
        "h": headings,
        "x": extra,
    }


def _unit_names(history: History) -> dict[str, str]:
    """Every name (current and former) of every unit, with its unit's id."""
    units = dict.fromkeys(history.units["unit_id"])
    return {name: unit_id for unit_id in units for name in history.registry.names_of(unit_id)}


def _without(name: str, prefixes: list[str]) -> str:
    """A full name as readers also write it: without the county in front (市场监督管理局)."""
    for prefix in prefixes:
        if name.startswith(prefix) and len(name) - len(prefix) >= 2:
            return name[len(prefix) :]
    return name


def search_names(history: History, prefixes: list[str]) -> dict[str, str]:
    """Every name a reader may look a unit up by, with its unit's id: its full name (with and
    without the county) first, so that a published name (current or former) of another unit that
    reads the same wins over it."""
    units = dict.fromkeys(history.units["unit_id"])
    found: dict[str, str] = {}
    for unit_id in units:
        full = history.registry.units[unit_id].full_name
        if full:
            found[full] = found[_without(full, prefixes)] = unit_id
    found.update(_unit_names(history))
    return found


def search_terms(history: History, names: dict[str, str]) -> dict[str, list[str]]:
    """The words that lead to pages though the pages need not say them, with the pages they lead
    to: a unit's 搜索词 (its unit page), a quarter's names (its circular). A word that is a name
    leads to that name's unit only."""
    terms: dict[str, list[str]] = {}
    for unit_id in dict.fromkeys(history.units["unit_id"]):
        for term in history.registry.units[unit_id].search_terms:
            if term not in names:
                terms.setdefault(term, []).append(links.unit_page(unit_id))
    for quarter in history.quarter_ids:
        zh = QuarterId.parse(str(quarter)).zh
        for name in (zh, zh.replace("年第", "年"), str(quarter)):
            terms.setdefault(name, []).append(links.quarter_page(quarter))
    return terms


_SEGMENTER_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def _segmenter(names: tuple[str, ...]):
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" in every build's output
    segmenter = jieba.Tokenizer()
    segmenter.initialize()  # about a second: its dictionary
    for name in names:
        segmenter.add_word(name, freq=100000)
    return segmenter


def _splitter(names: tuple[str, ...]):
    with _SEGMENTER_LOCK:  # made once, though asked for from two threads
        return _segmenter(names)


def prepare(history: History):
    """The word splitter of a site: jieba's dictionary with every unit name as one word. Made once
    per build; the build makes it in a thread while Sphinx runs, and the search data take it."""
    return _splitter(tuple(_unit_names(history)))


def _cached(path: Path, make):
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    value = make()
    keys.write_whole(path, json.dumps(value, ensure_ascii=False).encode("utf-8"))
    return value


def write_search_data(site: Path, history: History, cache: Path, county: str) -> Path:
    """search-data.js for the search page, from the pages of the staged ``site``."""
    cache.mkdir(parents=True, exist_ok=True)
    names = _unit_names(history)
    prefixes = [county, county.removesuffix("县").removesuffix("市").removesuffix("区")] if county else []
    prefixes = [p for p in dict.fromkeys(prefixes) if p]
    names_key = hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]
    pages, words, used = [], set(), set()

    def page_words(entry: dict) -> list[str]:
        segmenter = _splitter(tuple(names))
        found = {w for text in [entry["t"], *entry["s"]] for w in segmenter.lcut(text)}
        return sorted(w for w in found if len(w) >= 2 and re.search(r"[\u4e00-\u9fff]", w))

    for path in _pages(site, draft_ids(history)):
        url = path.relative_to(site).as_posix()
        if url in NOT_SEARCHED:
            continue
        raw = path.read_bytes()
        key = hashlib.sha256(ENTRY_FORMAT + url.encode() + b"\0" + raw).hexdigest()
        entry_file, words_file = cache / f"{key}.json", cache / f"{key}-{names_key}.words.json"
        entry = _cached(entry_file, lambda raw=raw, url=url: page_entry(raw.decode("utf-8"), url))
        words.update(_cached(words_file, lambda entry=entry: page_words(entry)))
        pages.append(entry)
        used |= {entry_file.name, words_file.name}
    for path in cache.glob("*.json"):
        if path.name not in used:  # a page as it no longer is: kept no longer than it can be used
            path.unlink()
    position = {entry["u"]: n for n, entry in enumerate(pages)}
    units = {}
    searched = search_names(history, prefixes)
    for name, unit_id in searched.items():
        page = position.get(links.href(links.unit_page(unit_id), links.HOME))
        if page is not None:
            units[name] = page
    terms = {}
    for term, targets in search_terms(history, searched).items():
        found = [position[url] for url in (links.href(t, links.HOME) for t in targets) if url in position]
        if found:
            terms[term] = found
    words.update(units)
    words.update(terms)
    data = {"pages": pages, "units": units, "terms": terms, "words": sorted(words), "prefixes": prefixes}
    target = site / SEARCH_DATA
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    target.write_text(f"window.HOTLINE_SEARCH={payload};\n", encoding="utf-8")
    return target


def write_sitemap(site: Path, base_url: str, drafts: tuple[str, ...] = ()) -> Path:
    """sitemap.xml of every reading page (and the search page), under the site's published address;
    never a draft's page (``drafts``: a preview's)."""
    base = base_url.rstrip("/") + "/"
    pages = [p.relative_to(site).as_posix() for p in _pages(site, drafts)] + ["search.html"]
    body = "".join(f"  <url><loc>{escape(base + page)}</loc></url>\n" for page in sorted(pages))
    target = site / SITEMAP
    target.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + body + "</urlset>\n",
        encoding="utf-8",
    )
    return target
