/*
 * Chinese search that works on unspaced queries.
 *
 * Sphinx's search splits a query only at spaces and punctuation, so 城管局满意率 is looked up as
 * one word and finds nothing. The index was built with jieba (and a dictionary of every unit
 * name), so here a run of Chinese characters is split into the longest words the index knows,
 * left to right. Loaded before searchtools.js, which uses a global splitQuery when one exists.
 */
var splitQuery = (query) => {
  const index = typeof Search !== "undefined" && Search._index ? Search._index : null;
  const has = (table, word) => !!table && Object.prototype.hasOwnProperty.call(table, word);
  const known = (word) => index !== null && (has(index.terms, word) || has(index.titleterms, word));
  const longest = 12;
  const terms = [];
  const words = query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu).filter((w) => w);
  for (const word of words) {
    for (const run of word.match(/\p{Script=Han}+|[^\p{Script=Han}]+/gu)) {
      if (!/\p{Script=Han}/u.test(run) || index === null) {
        terms.push(run);
        continue;
      }
      let start = 0;
      while (start < run.length) {
        let length = Math.min(longest, run.length - start);
        while (length > 1 && !known(run.substr(start, length))) length -= 1;
        const term = run.substr(start, length);
        // A lone character the index does not know would make every search fail: leave it out.
        if (length > 1 || known(term)) terms.push(term);
        start += length;
      }
    }
  }
  return terms;
};
