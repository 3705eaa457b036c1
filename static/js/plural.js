// Plural forms by the language's rules (Intl.PluralRules): Polish has three
// that matter ("1 praktyka", "2 praktyki", "5 praktyk"; "22 praktyki", "12 praktyk").

const rules = new Map();

/**
 * The form of `forms` for `n`: `forms` holds one, few, many (Polish) or
 * one, other (English); a missing category falls back to many, then other.
 */
export function plural(locale, n, forms) {
  let r = rules.get(locale);
  if (!r) {
    r = new Intl.PluralRules(locale);
    rules.set(locale, r);
  }
  // Fractions are "few"/"other" in Polish grammar books; PluralRules says "other".
  const cat = r.select(n);
  return forms[cat] ?? forms.many ?? forms.other;
}

/** "2 praktyki", "5 praktyk", "1 practice": the number, formatted, with its form. */
export function countOf(locale, n, forms) {
  return `${Number(n).toLocaleString(locale)} ${plural(locale, n, forms)}`;
}
