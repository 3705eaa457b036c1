// The free-text filter's rule, word for word the same as the server's
// (src/text_match.rs, src/gazetteer/normalize.rs): both are tested on
// tests/fixtures/folding.json and tests/fixtures/text_match.json.
//
// Text and query are folded (compatibility forms as NFKC, lower case, diacritics
// dropped); each query word is cut to its stem (a Polish inflectional or -ość
// ending removed, at least four letters kept); a text matches when it contains
// every stem.

/** Endings cut from a query word, longest first (as SUFFIXES in text_match.rs). */
const SUFFIXES = [
  'osciami', 'osciach', 'osciom', 'oscia', 'osci', 'osc', 'iami', 'iach', 'iego', 'iemu',
  'ami', 'ach', 'ego', 'emu', 'ymi', 'imi', 'ych', 'ich', 'iom', 'owi', 'iej', 'om', 'ow',
  'ej', 'ym', 'im', 'em', 'ie', 'ia', 'iu', 'a', 'e', 'i', 'o', 'u', 'y',
];
const MIN_STEM = 4;

/**
 * Folds compatibility forms (NFKC: full-width "ＫＲＡＫÓＷ" → "KRAKÓW", "ﬁ" → "fi"), case and
 * diacritics: "Dąbrowa Górnicza" → "dabrowa gornicza", "Timișoara" → "timisoara".
 */
export function fold(s) {
  return String(s ?? '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/ł/g, 'l')
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/\p{M}/gu, '');
}

/** The stem of one folded word (the word itself when short, with a digit or no known ending). */
export function stem(word) {
  if (!/^\p{Alphabetic}+$/u.test(word)) return word;
  for (const s of SUFFIXES) {
    if (word.endsWith(s) && [...word.slice(0, -s.length)].length >= MIN_STEM) return word.slice(0, -s.length);
  }
  return word;
}

/** The stems a query looks for. */
export function queryStems(q) {
  return fold(q).split(/[^\p{Alphabetic}\p{N}]+/u).filter(Boolean).map(stem);
}

/** The folded text searched for a record's parts. */
export function searchText(parts) {
  return parts.filter(Boolean).map((p) => fold(p) + ' ').join('');
}

/** Does a folded text hold every stem? */
export function matches(stems, text) {
  return stems.every((s) => text.includes(s));
}
