/*
 * The site's search, loaded by the search page only (its data, search-data.js, is written by the
 * build from the published pages: titles, prose sentences, unit names, words).
 *
 * A query is read the way a reader writes it, without spaces: the county's name is dropped, unit
 * names (current and former) are found first, and the rest is split into the words the site uses.
 * Every word of two or more characters is required. A named unit's own page comes first, then
 * pages that mention the unit and every word, the newest circulars first. Snippets are sentences
 * of the page's text, never table cells or navigation. Everything shown is set as text.
 */
(function () {
  "use strict";
  var data = window.HOTLINE_SEARCH;
  var form = document.querySelector(".search-page form");
  var input = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!data || !form || !input || !status || !list) return;

  var words = new Set(data.words);
  var names = Object.keys(data.units).sort(function (a, b) { return b.length - a.length; });
  var longest = 12;

  function han(text) { return /\p{Script=Han}/u.test(text); }

  // The longest words the site uses, left to right. Characters between them that make no word of
  // the site are kept together as a word of their own (so a word the site never uses finds
  // nothing, rather than being ignored); a lone one, like 的, is dropped.
  function segment(run) {
    var found = [];
    var unknown = "";
    var start = 0;
    function flush() {
      if (unknown.length > 1) found.push(unknown);
      unknown = "";
    }
    while (start < run.length) {
      var length = Math.min(longest, run.length - start);
      while (length > 1 && !words.has(run.substr(start, length))) length -= 1;
      var word = run.substr(start, length);
      if (length > 1) {
        flush();
        found.push(word);
      } else {
        unknown += word;
      }
      start += length;
    }
    flush();
    return found;
  }

  function parse(query) {
    var text = query.normalize("NFKC").replace(/\s+/g, " ").trim();
    data.prefixes.forEach(function (prefix) { text = text.split(prefix).join(" "); });
    var units = [];
    names.forEach(function (name) {
      if (text.indexOf(name) >= 0) {
        units.push(name);
        text = text.split(name).join(" ");
      }
    });
    var required = [];
    text.split(/[^\p{Letter}\p{Number}]+/u).forEach(function (part) {
      if (!part) return;
      (part.match(/\p{Script=Han}+|[^\p{Script=Han}]+/gu) || []).forEach(function (run) {
        if (han(run)) {
          segment(run).forEach(function (word) { if (word.length >= 2) required.push(word); });
        } else if (run.length >= 1) {
          required.push(run.toLowerCase());
        }
      });
    });
    return { units: units, required: required };
  }

  function search(query) {
    var parsed = parse(query);
    var terms = parsed.units.concat(parsed.required);
    if (!terms.length) return { parsed: parsed, hits: [] };
    var named = new Set(parsed.units.map(function (name) { return data.units[name]; }));
    var hits = [];
    data.pages.forEach(function (page, index) {
      var body = (page.t + "\n" + page.s.join("") + "\n" + page.x).toLowerCase();
      var own = named.has(index);
      var all = terms.every(function (term) { return body.indexOf(term.toLowerCase()) >= 0; });
      if (!own && !all) return;
      var title = own ? 1000 : 0;
      var count = 0;
      terms.forEach(function (term) {
        if (page.t.toLowerCase().indexOf(term.toLowerCase()) >= 0) title += 40;
        count += Math.min(20, body.split(term.toLowerCase()).length - 1);
      });
      hits.push({ page: page, title: title, count: count, own: own });
    });
    // The circulars rank together, at the best one's count, so they come newest first.
    var circulars = hits.filter(function (hit) { return hit.page.k === "q"; });
    var best = Math.max.apply(null, circulars.map(function (hit) { return hit.count; }).concat([0]));
    hits.forEach(function (hit) {
      hit.score = hit.title + (hit.page.k === "q" ? best + 10 : hit.count);
    });
    hits.sort(function (a, b) {
      return b.score - a.score || (b.page.q || "").localeCompare(a.page.q || "") || a.page.t.localeCompare(b.page.t);
    });
    return { parsed: parsed, hits: hits };
  }

  // The sentence with the most of the query's terms (the first of equals); a unit's own page: its lead.
  function snippet(hit, terms) {
    var page = hit.page;
    if (hit.own || !terms.length) return page.l;
    var best = "";
    var most = 0;
    page.s.forEach(function (sentence) {
      var lower = sentence.toLowerCase();
      var count = terms.filter(function (term) { return lower.indexOf(term.toLowerCase()) >= 0; }).length;
      if (count > most) { most = count; best = sentence; }
    });
    return best || page.l;
  }

  // The sentence as text nodes, with each term marked.
  function marked(sentence, terms) {
    var fragment = document.createDocumentFragment();
    var rest = sentence;
    while (rest) {
      var next = -1;
      var term = "";
      terms.forEach(function (candidate) {
        var at = rest.toLowerCase().indexOf(candidate.toLowerCase());
        if (at >= 0 && (next < 0 || at < next)) { next = at; term = candidate; }
      });
      if (next < 0) { fragment.appendChild(document.createTextNode(rest)); break; }
      fragment.appendChild(document.createTextNode(rest.slice(0, next)));
      var mark = document.createElement("mark");
      mark.textContent = rest.substr(next, term.length);
      fragment.appendChild(mark);
      rest = rest.slice(next + term.length);
    }
    return fragment;
  }

  function show(query) {
    list.textContent = "";
    if (!query.trim()) { status.textContent = "输入单位名称或内容后按“搜索”。"; return; }
    var found = search(query);
    var terms = found.parsed.units.concat(found.parsed.required);
    if (!found.hits.length) {
      status.textContent = "没有找到同时含有“" + terms.join("”“") + "”的页面。可以少写几个词再试。";
      return;
    }
    status.textContent = "找到" + found.hits.length + "个页面，含有“" + terms.join("”“") + "”：";
    found.hits.slice(0, 50).forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = hit.page.u;
      link.textContent = hit.page.t;
      item.appendChild(link);
      var text = snippet(hit, terms);
      if (text) {
        var paragraph = document.createElement("p");
        paragraph.className = "snippet";
        paragraph.appendChild(marked(text, terms));
        item.appendChild(paragraph);
      }
      list.appendChild(item);
    });
  }

  window.hotlineSearch = { parse: parse, search: search };
  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  show(query);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    window.history.replaceState(null, "", url);
    show(input.value);
  });
})();
