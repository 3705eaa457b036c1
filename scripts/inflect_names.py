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
PREPOSITIONS = {"nad", "pod", "przy", "k", "koło", "w", "we", "na", "u", "z", "ze", "i"}


class Inflector:
    def __init__(self):
        from polish_inflection import (odmien_przymiotnik, odmien_warianty, podaj,
                                       podaj_przymiotnik)
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

        head = next((i for i in live if info[i][0] and not info[i][1]), None)
        if head is None:
            head = next((i for i in live if info[i][0]), None)
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
                        nb = number if i == head else n[0][0]
                        forms = list(self.odmien_warianty(t, case, nb) or [])
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
