"""Indexes of the finished site, read from its pages: the search data the search page loads, and
the sitemap.

The search data hold, for each page, its title, its kind (a quarter's circular, a unit, another
page) and its prose: the sentences of its paragraphs and lists, never table cells, captions or
navigation, so that a result's snippet is a sentence a reader can read. The words in its tables
(unit names, headings) are searched too, but never shown. A unit page's lead
sentence states its latest figures. Unit names (current and former) point to their pages, and
the words of the site (jieba, with every unit name as one word) let the page split a query
written without spaces. A page's entry and its words are cached by its bytes (the words also by
the unit names), so a rebuild reads and splits only the pages that changed; the word splitter is
made ready (:func:`prepare`) while Sphinx still builds the pages.
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

from hotline.pages import links
from hotline.pages.search import SEARCH_DATA
from hotline.rules.history import History
from hotline.site import keys

SITEMAP = "sitemap.xml"
_SENTENCE = re.compile(r"[^。！？；]+[。！？；]?")
_SKIPPED = ("table", "figure", "nav", "figcaption", "script", "style", "form")
_QUARTER = re.compile(r"^quarters/(\d{4}Q[1-4])\.html$")


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


def page_entry(html: str, url: str) -> dict:
    """One page's search entry. Read with lxml's parser: with BeautifulSoup the search data of a
    site of hundreds of unit pages took half a minute to make."""
    document = lxml.html.document_fromstring(html)
    main = next(iter(document.xpath("//article | //main")), document)
    heading = main.find(".//h1")
    title = _text(heading if heading is not None else document.find(".//title"))
    sentences, lead = [], ""
    for element in main.iter("p", "li", "dd", "dt", "h2", "h3", "blockquote"):
        skipped = any(ancestor.tag in _SKIPPED for ancestor in element.iterancestors())
        if skipped or element.find(".//p") is not None or element.find(".//li") is not None:
            continue
        text = _text(element).replace(" ，", "，").replace(" 。", "。")
        if not text:
            continue
        if "latest" in (element.get("class") or "").split() and not lead:
            lead = text
        sentences += [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    # Words of the page's tables (unit names, column headings), searched but never shown
    cells = {_text(c) for c in main.iter("th", "td") if any(a.tag == "table" for a in c.iterancestors())}
    extra = " ".join(sorted(c for c in cells if c and re.search(r"[\u4e00-\u9fff]", c)))
    quarter = _QUARTER.match(url)
    kind = "q" if quarter else ("u" if url.startswith("units/unit-") else "p")
    return {
        "u": url,
        "t": title,
        "k": kind,
        "q": quarter.group(1) if quarter else "",
        "l": lead or (sentences[0] if sentences else ""),
        "s": sentences,
        "x": extra,
    }


def _unit_names(history: History) -> dict[str, str]:
    """Every name (current and former) of every unit, with its unit's id."""
    units = dict.fromkeys(history.units["unit_id"])
    return {name: unit_id for unit_id in units for name in history.registry.names_of(unit_id)}


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
    names_key = hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]
    pages, words, used = [], set(), set()

    def page_words(entry: dict) -> list[str]:
        segmenter = _splitter(tuple(names))
        found = {w for text in [entry["t"], *entry["s"]] for w in segmenter.lcut(text)}
        return sorted(w for w in found if len(w) >= 2 and re.search(r"[\u4e00-\u9fff]", w))

    for path in _pages(site, draft_ids(history)):
        url = path.relative_to(site).as_posix()
        raw = path.read_bytes()
        key = hashlib.sha256(url.encode() + b"\0" + raw).hexdigest()
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
    for name, unit_id in names.items():
        page = position.get(links.href(links.unit_page(unit_id), links.HOME))
        if page is not None:
            units[name] = page
    words.update(units)
    prefixes = [county, county.removesuffix("县").removesuffix("市").removesuffix("区")] if county else []
    data = {"pages": pages, "units": units, "words": sorted(words), "prefixes": [p for p in prefixes if p]}
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
