"""Inflected forms of Polish place names from SGJP, for scripts/build_geodata.py.

SGJP (Słownik gramatyczny języka polskiego, BSD-2-Clause) is read through the
`polish-inflection` package: `podaj` analyses a word (noun lemmas, with number and
gender), `odmien_warianty` declines a noun, `podaj_przymiotnik` and
`odmien_przymiotnik` analyse and decline adjectives.

A multi-word name is declined as a phrase: its head is the first word that SGJP
knows only as a noun (else the first it knows as a noun at all); the adjectives
around it agree with the head's gender and number ("Piekary Śląskie" →
"Piekarach Śląskich", "Nowy Dwór Mazowiecki" → "Nowym Dworze Mazowieckim"); a
noun after a hyphen declines on its own ("Bielsko-Biała" → "Bielsku-Białej");
everything from a preposition on stays as it is ("Nowe Miasto nad Pilicą" →
"Nowym Mieście nad Pilicą"). A name whose head SGJP does not know gets no forms:
the geocoder then falls back to its suffix rules.
"""

import itertools
import re

CASES = ("gen", "dat", "acc", "inst", "loc", "voc")
# Adjectives that qualify a place's head noun ("Nowa Ruda", "Stara Wieś", "Wola
# Wielka"): a word that is also one of these is not the head when another is there.
QUALIFIERS = {"nowy", "stary", "wielki", "mały", "duży", "górny", "dolny", "średni", "wysoki",
              "niski", "biały", "czarny", "czerwony", "zielony", "złoty", "suchy", "dobry",
              "długi", "szeroki", "pierwszy", "drugi", "trzeci", "święty", "kościelny",
              "szlachecki", "rządowy", "prywatny", "północny", "południowy", "wschodni",
              "zachodni", "kamienny", "stalowy", "stały", "lesny", "leśny", "polny", "mokry"}
# Endings of relational adjectives ("śląski", "zduński", "rusinowski"), which are
# surnames too in SGJP but never a place name's head.
RELATIONAL = ("ski", "cki", "dzki")
PREPOSITIONS = {"nad", "pod", "przy", "k", "koło", "w", "we", "na", "u", "z", "ze", "i"}


class Inflector:
    def __init__(self):
        from polish_inflection import (odmien_przymiotnik, odmien_warianty, podaj,
                                       podaj_przymiotnik)
        # The analyses with SGJP's own genders (m1 personal, m2 animate, m3
        # inanimate, f, n): the public `podaj` folds m1/m2/m3 into "m", which
        # cannot tell the town Radom (m3) from the surname Radom (m1).
        from polish_inflection.core import _rekordy_podaj
        self.raw_analyses = _rekordy_podaj
        self.podaj = podaj
        self.podaj_przymiotnik = podaj_przymiotnik
        self.odmien_warianty = odmien_warianty
        self.odmien_przymiotnik = odmien_przymiotnik

    def noun_readings(self, tok):
        out = []
        for a in self.podaj(tok):
            if a.lemat == tok and a.przypadek == "nom" and (a.liczba, a.rodzaj) not in out:
                out.append((a.liczba, a.rodzaj))
        return out

    def noun_forms(self, tok, case, number, gender):
        """The forms of noun `tok` in a case, those of a place's paradigm first.

        SGJP's slot of a name merges every lexeme spelled so: the town "Radom"
        (m3: Radomia, Radomiu), the surname "Radom" (m1: Radoma, Radomie) and a
        woman's surname that does not decline (f: Radom). A place name is an
        inanimate noun, so the forms analysed as m3 (or f, n: names of those
        genders are inanimate anyway) are kept, a person's (m1) or an animal's
        (m2) only when the slot has nothing else; the name itself unchanged
        comes last. Within a rank the order is SGJP's (sorted)."""
        def rank(form):
            best = 3
            for lem, c, nb, g in self.raw_analyses(form):
                if lem != tok or c != case or nb != number:
                    continue
                if number == "sg" and g[:1] != gender:
                    continue
                best = min(best, {"m1": 2, "m2": 1}.get(g, 0))
            return best

        forms = self.odmien_warianty(tok, case, number) or []
        ranked = sorted(forms, key=lambda f: (rank(f), f == tok))
        if not ranked:
            return []
        top = rank(ranked[0])
        return [f for f in ranked if rank(f) == top or f == tok]

    def adj_readings(self, tok):
        return [(a.lemat, a.liczba, a.rodzaj) for a in self.podaj_przymiotnik(tok)
                if a.przypadek == "nom"]

    def adjective(self, name, gender):
        """Forms of a name made of adjectives only, in the singular of `gender`
        (powiats: masculine "zawierciański"; voivodeships: neuter "śląskie")."""
        toks = name.split(" ")
        per = []
        for t in toks:
            a = [r for r in self.adj_readings(t) if r[1] == "sg" and r[2] == gender]
            if not a:
                return None
            per.append(a[0][0])
        out = {}
        for case in CASES:
            words = [self.odmien_przymiotnik(lem, case, gender, "sg", default=None) for lem in per]
            if None in words:
                return None
            out[case] = [" ".join(keep_case(w, t) for w, t in zip(words, toks))]
        return out

    def phrase(self, name):
        """{case: [forms]} of a place name, or None when SGJP cannot decline its head."""
        parts = re.split(r"([ -])", name)
        toks, seps = parts[0::2], parts[1::2]
        if any(not t for t in toks):
            return None
        info = [(self.noun_readings(t), self.adj_readings(t)) for t in toks]
        frozen_from = len(toks)
        for i, t in enumerate(toks):
            if i > 0 and (t.lower() in PREPOSITIONS or t[:1].islower()):
                frozen_from = i
                break
        live = range(frozen_from)

        def after_hyphen(i):
            return i > 0 and seps[i - 1] == "-"

        # The head: a noun joined by a hyphen to the next word ("Jastrzębie-Zdrój",
        # "Kędzierzyn-Koźle": each part declines as a noun of its own); else the
        # first word SGJP knows only as a noun; else, among the words that are
        # nouns and adjectives both, leaving out relational adjectives ("Śląska",
        # "Zduńska": surnames too, but never a place name's head), the first whose
        # adjective is not a common qualifier ("Nowa Ruda", "Zduńska Wola",
        # "Ruda Śląska": "Nowej Rudzie", "Zduńskiej Woli", "Rudzie Śląskiej");
        # else the first noun.
        head = next((i for i in live if info[i][0] and i + 1 < len(toks) and seps[i] == "-"), None)
        if head is None:
            head = next((i for i in live if info[i][0] and not info[i][1]), None)
        if head is None:
            nouns = [i for i in live if info[i][0]]
            plain = [i for i in nouns if not any(lem.endswith(RELATIONAL) for lem, _, _ in info[i][1])]
            head = next((i for i in plain if not any(lem in QUALIFIERS for lem, _, _ in info[i][1])),
                        (plain or nouns or [None])[0])
        adjective_name = False
        if head is None:
            if len(live) == 1 and info[0][1]:
                adjective_name = True
                head = 0
            else:
                return None
        if adjective_name:
            readings = sorted({(nb, g) for _, nb, g in info[0][1]})
        else:
            readings = info[head][0]
            fit = [r for r in readings
                   if all(agrees(info[i][1], *r) for i in live
                          if i != head and info[i][1] and not (info[i][0] and after_hyphen(i)))]
            readings = fit or readings
        # Plural place names are SGJP's pluralia tantum, tagged neuter here
        # ("Katowice", "Końskie", "Góry"); other plural readings of a name that
        # is also singular are a surname's ("Borek" → "Borkowie"), not a place's.
        if any(r[0] == "sg" for r in readings):
            readings = [r for r in readings if r[0] == "sg" or r[1] == "n"]
        results = {}
        for number, gender in readings:
            per_case = {}
            for case in CASES:
                tok_forms, ok = [], True
                for i, t in enumerate(toks):
                    n, a = info[i]
                    forms = []
                    if i >= frozen_from:
                        forms = [t]
                    elif adjective_name or (i != head and a and agrees(a, number, gender)
                                            and not (n and after_hyphen(i))):
                        for lem, nb, g in a:
                            if nb == number and (number == "pl" or g == gender):
                                f = self.odmien_przymiotnik(lem, case, gender, number, default=None)
                                if f and keep_case(f, t) not in forms:
                                    forms.append(keep_case(f, t))
                    elif n:
                        nb, g = (number, gender) if i == head else n[0]
                        forms = self.noun_forms(t, case, nb, g)
                        if after_hyphen(i) and t not in forms:
                            # "na Pradze-Południe": the second part often stays as it is.
                            forms.append(t)
                    if not forms:
                        if i == head:
                            ok = False
                            break
                        forms = [t]
                    tok_forms.append(forms[:2])
                if not ok:
                    break
                out = []
                for combo in itertools.product(*tok_forms):
                    s = combo[0]
                    for sep, w in zip(seps, combo[1:]):
                        s += sep + w
                    if s not in out:
                        out.append(s)
                per_case[case] = out[:4]
            else:
                for c, fs in per_case.items():
                    for f in fs:
                        if f not in results.setdefault(c, []):
                            results[c].append(f)
        return results or None


def agrees(adj, number, gender):
    return any(nb == number and (number == "pl" or g == gender) for _, nb, g in adj)


def keep_case(form, model):
    if model.isupper() and len(model) > 1:
        return form.upper()
    if model[:1].isupper():
        return form[:1].upper() + form[1:]
    return form
