/*
 * The site's search, loaded by the search page only (its data, search-data.js, is written by the
 * build from the published pages: titles, headings, prose sentences, unit names, words).
 *
 * A query is read the way a reader writes it, without spaces. First the names a reader gives a
 * page are found in it, longest first: a unit's current, former and full names (白水县市场监督管理局),
 * the words citizens use for a unit (供电, 自来水, 供暖: the registry's 搜索词) and a quarter's
 * names (2024年第一季度); then the county's name is dropped and names are looked for again; the rest
 * is split into the words the site uses. Every word of two or more characters is required.
 *
 * Ranking: the pages a query names come first; then a page whose title holds every word; then a
 * page with a heading about them (a section titled with the words: what a page is about); then
 * the circulars, newest first; then the rest by how often they use the words. A word found on many
 * pages lists the ten most about it first and says how many more there are (a link lists them
 * all). Snippets are sentences of the page's text (or a heading), never table cells, the
 * circular's document header or navigation. Everything shown is set as text.
 */
(function () {
  "use strict";
  var data = window.HOTLINE_SEARCH;
  var form = document.querySelector(".search-page form");
  var input = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  if (!data || !form || !input || !status || !list) return;

  var SHOWN = 10;
  var words = new Set(data.words);
  var terms = data.terms || {};
  // What each name or term leads to (page indexes), longest first so that 供电分公司 wins over 供电.
  var targets = {};
  Object.keys(data.units).forEach(function (name) { targets[fold(name)] = [data.units[name]]; });
  Object.keys(terms).forEach(function (term) {
    var key = fold(term);
    targets[key] = (targets[key] || []).concat(terms[term]);
  });
  var names = Object.keys(targets).sort(function (a, b) { return b.length - a.length; });
  var longest = 12;

  function fold(text) { return text.normalize("NFKC").toLowerCase(); }
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
    var text = fold(query).replace(/\s+/g, " ").trim();
    var units = [];
    function take() {
      names.forEach(function (name) {
        if (text.indexOf(name) >= 0) {
          units.push(name);
          text = text.split(name).join(" ");
        }
      });
    }
    take();  // before the county is dropped: 国网白水县供电公司, 国家税务总局白水县税务局
    data.prefixes.forEach(function (prefix) { text = text.split(fold(prefix)).join(" "); });
    take();
    var required = [];
    var phrases = [];
    var typed = [];  // what the reader wrote, as the status repeats it
    text.split(/[^\p{Letter}\p{Number}]+/u).forEach(function (part) {
      if (!part) return;
      (part.match(/\p{Script=Han}+|[^\p{Script=Han}]+/gu) || []).forEach(function (run) {
        if (han(run)) {
          var words = segment(run).filter(function (word) { return word.length >= 2; });
          required = required.concat(words);
          if (run.length >= 3) phrases.push(run);  // 逾期率: the page that says it whole comes first
          if (words.length) typed.push(run);
        } else if (run.length >= 1) {
          required.push(run);
          typed.push(run);
        }
      });
    });
    return { units: units, required: required, phrases: phrases, typed: typed };
  }

  function search(query) {
    var parsed = parse(query);
    var shown = parsed.units.concat(parsed.required);
    if (!shown.length) return { parsed: parsed, hits: [] };
    // The pages named, in the order their names were found; a named unit's page also counts as
    // "mentioned" wherever its current name is (白水县市场监督管理局 finds the circular naming 市场局).
    var named = new Map();
    var wanted = parsed.units.map(function (name) {
      var either = [name];
      targets[name].forEach(function (index) {
        if (!named.has(index)) named.set(index, named.size);
        var page = data.pages[index];
        if (page.k === "u") either.push(fold(page.t));
      });
      return either;
    }).concat(parsed.required.map(function (word) { return [fold(word)]; }));
    function has(text, either) {
      return either.some(function (word) { return text.indexOf(word) >= 0; });
    }
    var hits = [];
    data.pages.forEach(function (page, index) {
      var headings = (page.h || []).map(fold);
      var title = fold(page.t);
      var body = title + "\n" + fold(page.s.join("")) + "\n" + headings.join("\n") + "\n" + fold(page.x);
      var own = named.has(index);
      if (!own && !wanted.every(function (either) { return has(body, either); })) return;
      var inTitle = wanted.filter(function (either) { return has(title, either); }).length;
      // A heading with every word is a section about them; the more of the heading they are, the
      // more it is about them (综合得分 before 综合得分怎么算？排名怎么排？).
      var about = 0;
      headings.forEach(function (heading) {
        var length = 0;
        var all = wanted.every(function (either) {
          var word = either.filter(function (w) { return heading.indexOf(w) >= 0; })[0];
          length += word ? word.length : 0;
          return Boolean(word);
        });
        if (all) about = Math.max(about, length / heading.length);
      });
      var inHeadings = wanted.filter(function (either) {
        return headings.some(function (heading) { return has(heading, either); });
      }).length;
      var count = 0;
      wanted.forEach(function (either) {
        either.forEach(function (word) { count += Math.min(20, body.split(word).length - 1); });
      });
      var whole = parsed.phrases.filter(function (phrase) { return body.indexOf(phrase) >= 0; }).length;
      var score = own ? 1000000 - named.get(index) : (inTitle === wanted.length ? 2000 : 100 * inTitle) +
        (about ? 600 + Math.round(300 * about) : 20 * inHeadings) + 1000 * whole;
      hits.push({ page: page, score: score, count: count, own: own });
    });
    // The circulars rank together, after the pages about the words, at the best one's count, so
    // that they come newest first.
    var circulars = hits.filter(function (hit) { return hit.page.k === "q" && !hit.own; });
    var best = Math.max.apply(null, circulars.map(function (hit) { return hit.count; }).concat([0]));
    hits.forEach(function (hit) {
      if (!hit.own) hit.score += hit.page.k === "q" ? 300 + best : Math.min(hit.count, 280);
    });
    hits.sort(function (a, b) {
      return b.score - a.score || (b.page.q || "").localeCompare(a.page.q || "") || a.page.t.localeCompare(b.page.t);
    });
    return { parsed: parsed, hits: hits };
  }

  // The sentence with the most of the query's words (the first of equals), else a heading with
  // the most; a page the query names: its lead.
  function snippet(hit, words) {
    var page = hit.page;
    if (hit.own || !words.length) return page.l;
    function best(texts) {
      var found = "";
      var most = 0;
      texts.forEach(function (text) {
        var lower = fold(text);
        var count = words.filter(function (word) { return lower.indexOf(fold(word)) >= 0; }).length;
        if (count > most) { most = count; found = text; }
      });
      return found;
    }
    return best(page.s) || best(page.h || []) || page.l;
  }

  // The sentence as text nodes, with each word marked.
  function marked(sentence, words) {
    var fragment = document.createDocumentFragment();
    var rest = sentence;
    while (rest) {
      var next = -1;
      var word = "";
      words.forEach(function (candidate) {
        var at = fold(rest).indexOf(fold(candidate));
        if (at >= 0 && (next < 0 || at < next)) { next = at; word = candidate; }
      });
      if (next < 0) { fragment.appendChild(document.createTextNode(rest)); break; }
      fragment.appendChild(document.createTextNode(rest.slice(0, next)));
      var mark = document.createElement("mark");
      mark.textContent = rest.substr(next, word.length);
      fragment.appendChild(mark);
      rest = rest.slice(next + word.length);
    }
    return fragment;
  }

  // The words as the reader typed them (a name found in the folded query, shown as the site spells it).
  function spelled(found) {
    var original = {};
    Object.keys(data.units).concat(Object.keys(terms)).forEach(function (name) { original[fold(name)] = name; });
    return found.parsed.units.map(function (name) { return original[name] || name; }).concat(found.parsed.typed);
  }

  function show(query, all) {
    list.textContent = "";
    if (more) { more.textContent = ""; more.hidden = true; }
    if (!query.trim()) { status.textContent = "输入单位名称或内容后按“搜索”。"; return; }
    var found = search(query);
    var words = spelled(found);
    var quoted = "“" + words.join("”“") + "”";
    if (!words.length) {
      status.textContent = "请输入单位名称，或两个字以上的词。";
      return;
    }
    if (!found.hits.length) {
      status.textContent = "没有找到与" + quoted + "有关的页面。可以少写几个词，或换一种说法再试。";
      return;
    }
    var listed = all ? found.hits : found.hits.slice(0, SHOWN);
    if (listed.length < found.hits.length) {
      status.textContent = "找到" + found.hits.length + "个页面与" + quoted + "有关，先列出最相关的" + listed.length + "个：";
    } else {
      status.textContent = "找到" + found.hits.length + "个页面与" + quoted + "有关：";
    }
    // A snippet is chosen by the words searched for (a unit's current name for its full name); the
    // words typed are marked too (逾期率 as a whole).
    var chosen = spelled(found).slice(0, found.parsed.units.length).concat(found.parsed.required,
      found.parsed.units.map(function (name) {
        return (targets[name] || []).map(function (index) { return data.pages[index].k === "u" ? data.pages[index].t : ""; });
      }).reduce(function (a, b) { return a.concat(b); }, []).filter(Boolean));
    var marks = words.concat(chosen);
    listed.forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = hit.page.u;
      link.textContent = hit.page.t;
      item.appendChild(link);
      var text = snippet(hit, chosen);
      if (text) {
        var paragraph = document.createElement("p");
        paragraph.className = "snippet";
        paragraph.appendChild(marked(text, marks));
        item.appendChild(paragraph);
      }
      list.appendChild(item);
    });
    if (more && listed.length < found.hits.length) {
      var rest = found.hits.length - listed.length;
      more.appendChild(document.createTextNode("另有" + rest + "个页面（多为各单位的页面）也含有这些词：加上单位名称或季度可以缩小范围，或者"));
      var everything = document.createElement("a");
      var url = new URL(window.location.href);
      url.searchParams.set("q", query);
      url.searchParams.set("all", "1");
      everything.href = url.pathname.split("/").pop() + url.search;
      everything.textContent = "列出全部" + found.hits.length + "个页面";
      more.appendChild(everything);
      more.appendChild(document.createTextNode("。"));
      more.hidden = false;
    }
  }

  window.hotlineSearch = { parse: parse, search: search, shown: SHOWN };
  var params = new URLSearchParams(window.location.search);
  var query = params.get("q") || "";
  input.value = query;
  show(query, params.get("all") === "1");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    url.searchParams.delete("all");
    window.history.replaceState(null, "", url);
    show(input.value, false);
  });
})();
