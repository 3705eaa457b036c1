"""Checks the running service with the real clients of the standards it speaks.

    MAPA_EDIT_URL=URL MAPA_EDIT_TOKEN=TOKEN check_clients.py BASE_URL DATASET_CSV WORKDIR

GDAL's OAPIF driver (ogrinfo, ogr2ogr), OWSLib's OGC API Features client and
geopy's Photon and Nominatim geocoders, against BASE_URL (http://127.0.0.1:PORT).
With MAPA_EDIT_URL (an editable server seeded from the same dataset) and
MAPA_EDIT_TOKEN (an editor's API token), OWSLib's Part 4 calls too:
collection_item_create, collection_item_update and collection_item_delete.
Prints one line per check and `N passed, M failed`; exits 1 on any failure.
"""

import csv
import json
import os
import subprocess
import sys
import traceback
import urllib.error
import urllib.request

BASE, DATASET, WORK = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
HOSTPORT = BASE.split("://", 1)[1]
OGC = f"{BASE}/ogc"

with open(DATASET, newline="", encoding="utf-8") as f:
    PRACTICES = list(csv.DictReader(f))
IDS = sorted(p["id"] for p in PRACTICES)
BY_TOWN = {p["town"]: p for p in PRACTICES}
EDIT = os.environ.get("MAPA_EDIT_URL", "").rstrip("/")
EDIT_TOKEN = os.environ.get("MAPA_EDIT_TOKEN", "")

results = []


def check(name):
    def wrap(fn):
        try:
            fn()
            results.append((name, None))
            print(f"ok    {name}", flush=True)
        except Exception as e:  # noqa: BLE001 - every failure is reported
            results.append((name, e))
            print(f"FAIL  {name}: {e}", flush=True)
            traceback.print_exc()
        return fn

    return wrap


def run(*cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return p.stdout


def eq(got, want, what):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


def near(lat, lon, want_lat, want_lon, km, what):
    # Equirectangular distance is enough at these scales.
    import math

    dx = (lon - want_lon) * math.cos(math.radians((lat + want_lat) / 2)) * 111.32
    dy = (lat - want_lat) * 111.32
    d = math.hypot(dx, dy)
    if d > km:
        raise AssertionError(f"{what}: ({lat}, {lon}) is {d:.1f} km from ({want_lat}, {want_lon})")


# ---------------------------------------------------------------- GDAL OAPIF

FIELDS = ["id", "title", "area", "town", "year", "voivodeship", "powiat", "gmina", "summary"]


@check("ogrinfo lists the practices layer with its feature count and fields")
def _():
    out = run("ogrinfo", "-ro", "-al", "-so", f"OAPIF:{OGC}")
    if "Layer name: practices" not in out:
        raise AssertionError(out)
    eq(f"Feature Count: {len(PRACTICES)}" in out, True, f"feature count in\n{out}")
    if "Geometry: Point" not in out:
        raise AssertionError(f"no point geometry in\n{out}")
    for field in FIELDS:
        if f"\n{field}: " not in out:
            raise AssertionError(f"no field {field} in\n{out}")
    if "year: Integer" not in out:
        raise AssertionError(f"year is not an integer field in\n{out}")


def read_geojson(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


@check("ogr2ogr: OAPIF -> GeoPackage -> GeoJSON keeps every practice (paging 2 at a time)")
def _():
    gpkg = os.path.join(WORK, "practices.gpkg")
    back = os.path.join(WORK, "practices-back.geojson")
    for f in (gpkg, back):
        if os.path.exists(f):
            os.remove(f)
    # PAGE_SIZE=2 makes GDAL follow the next links through three pages.
    run("ogr2ogr", "-f", "GPKG", gpkg, f"OAPIF:{OGC}", "practices", "-oo", "PAGE_SIZE=2")
    info = run("ogrinfo", "-ro", "-so", gpkg, "practices")
    if f"Feature Count: {len(PRACTICES)}" not in info:
        raise AssertionError(info)
    run("ogr2ogr", "-f", "GeoJSON", back, gpkg, "practices")
    fc = read_geojson(back)
    feats = fc["features"]
    eq(sorted(f["properties"]["id"] for f in feats), IDS, "ids after the round trip")
    for f in feats:
        p = next(x for x in PRACTICES if x["id"] == f["properties"]["id"])
        eq(f["properties"]["title"], p["title"], f"title of {p['id']}")
        eq(f["properties"]["town"], p["town"] or None, f"town of {p['id']}")
        eq(f["properties"]["area"], p["area"], f"area of {p['id']}")
        lon, lat = f["geometry"]["coordinates"][:2]
        eq((round(lon, 6), round(lat, 6)), (round(float(p["lon"]), 6), round(float(p["lat"]), 6)),
           f"coordinates of {p['id']}")


@check("ogrinfo with a spatial filter asks the server for a bbox")
def _():
    out = run("ogrinfo", "-ro", "-al", "-q", "-spat", "18.4", "54.25", "18.8", "54.45",
              f"OAPIF:{OGC}", "-fields=YES")
    want = BY_TOWN["Gdańsk"]["id"]
    if want not in out or "Oświęcim" in out:
        raise AssertionError(out)


# ---------------------------------------------------------------- OWSLib

@check("OWSLib Features: landing page, conformance, collections, items with a bbox")
def _():
    from owslib.ogcapi.features import Features

    w = Features(OGC)
    rels = {link["rel"] for link in w.links}
    for rel in ("self", "service-desc", "conformance", "data"):
        if rel not in rels:
            raise AssertionError(f"landing page links lack {rel}: {rels}")
    conf = w.conformance()["conformsTo"]
    if "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" not in conf:
        raise AssertionError(conf)
    eq(w.feature_collections(), ["practices"], "feature collections")
    c = w.collection("practices")
    eq(c["itemType"], "feature", "itemType")
    api = w.api()
    eq(api["openapi"].startswith("3.0"), True, "OpenAPI version")
    items = w.collection_items("practices", bbox=[18.9, 49.9, 19.6, 50.6], limit=10)
    got = sorted(f["id"] for f in items["features"])
    want = sorted(BY_TOWN[t]["id"] for t in ("Oświęcim", "Dąbrowa Górnicza", "Zawiercie"))
    eq(got, want, "ids in the Silesian box")
    eq(items["numberMatched"], 3, "numberMatched")
    one = w.collection_item("practices", want[0])
    eq(one["id"], want[0], "one item")
    q = w.collection_queryables("practices")
    for name in ("area", "town", "voivodeship", "year"):
        if name not in q["properties"]:
            raise AssertionError(f"queryable {name} missing: {q}")


@check("GDAL -where on area and voivodeship: pushed-down and GDAL-evaluated answers agree")
def _():
    import re

    def count(where):
        out = run("ogrinfo", "-ro", "-al", "-so", "-where", where, f"OAPIF:{OGC}")
        m = re.search(r"Feature Count: (\d+)", out)
        if not m:
            raise AssertionError(f"no feature count for {where!r} in\n{out}")
        return int(m.group(1))

    area = PRACTICES[0]["area"]
    eq(count(f"area = '{area}'"), sum(p["area"] == area for p in PRACTICES), f"area = {area}")
    # A parent area is not any practice's own value: GDAL's own evaluation
    # finds nothing, and so does the server.
    eq(count("area = 'uslugi-spoleczne'"), 0, "area = a parent area")
    eq(count("voivodeship = 'śląskie'"), 2, "voivodeship = śląskie")


# ---------------------------------------------------------------- OWSLib Part 4

def public_get(url):
    """(status, JSON body) of an anonymous GET: what any reader sees."""
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, None


def practice_feature(title, lon, lat):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"title": title, "area": "pomoc-spoleczna",
                       "summary": "Dodana przez OWSLib (Part 4) w testach standardów."},
    }


def expect_refused(call, code, what):
    """The server's error code (e.g. precondition_failed) in OWSLib's error.

    OWSLib raises RuntimeError(response.text) on any answer >= 400; the text
    is the server's JSON error body, {"error": {"code", "message"}}."""
    try:
        call()
    except RuntimeError as e:
        error = json.loads(str(e))["error"]
        eq(error["code"], code, f"{what}: the error code")
        return error["message"]
    raise AssertionError(f"{what}: accepted, want {code}")


if EDIT:
    @check("OWSLib Part 4: collection_item_create, _update, _delete; the effect read back anonymously")
    def _():
        from owslib.ogcapi.features import Features

        edit_ogc = f"{EDIT}/ogc"
        # The token goes in through OWSLib's own `headers` argument, which
        # every request of this Features object sends. Note: OWSLib keeps
        # those headers in its module-wide REQUEST_HEADERS dict, so they are
        # removed again at the end (the other checks stay anonymous).
        w = Features(edit_ogc, headers={"Authorization": f"Bearer {EDIT_TOKEN}"})
        try:
            # Create: an editor's create is published at once (201, Location).
            title = "Punkt konsultacyjny OWSLib w Oświęcimiu"
            eq(w.collection_item_create("practices", practice_feature(title, 19.2098, 50.0344)),
               True, "collection_item_create")
            location = w.response_headers["Location"]
            if not location.startswith(f"{edit_ogc}/collections/practices/items/"):
                raise AssertionError(f"Location {location!r}")
            pid = location.rsplit("/", 1)[1]
            status, f = public_get(location)
            eq(status, 200, "the created item read anonymously")
            eq(f["properties"]["title"], title, "the created item's title")

            # Update: the server requires If-Match (428 without; 412 when
            # stale). OWSLib has no argument for it, so the client sets it
            # through the same `headers` mechanism, from the ETag OWSLib
            # itself received with collection_item (its response_headers).
            w.headers.pop("If-Match", None)
            msg = expect_refused(
                lambda: w.collection_item_update("practices", pid, practice_feature(title, 19.2, 50.03)),
                "precondition_required", "PUT without If-Match (428)")
            if "If-Match" not in msg:
                raise AssertionError(f"the 428 body does not name If-Match: {msg}")
            w.collection_item("practices", pid)
            first_etag = w.response_headers["ETag"]
            w.headers["If-Match"] = first_etag
            new_title = "Punkt konsultacyjny OWSLib w Oświęcimiu (poprawiony)"
            eq(w.collection_item_update("practices", pid,
                                        practice_feature(new_title, 19.2110, 50.0350)),
               True, "collection_item_update")
            status, f = public_get(location)
            eq(status, 200, "the updated item read anonymously")
            eq(f["properties"]["title"], new_title, "the updated title")
            eq([round(c, 4) for c in f["geometry"]["coordinates"][:2]], [19.211, 50.035],
               "the updated point")
            # The ETag read before the update is stale now: 412.
            expect_refused(lambda: w.collection_item_delete("practices", pid),
                           "precondition_failed", "DELETE with a stale If-Match (412)")
            eq(public_get(location)[0], 200, "after the refused delete")

            # Delete = archive: out of every public answer.
            w.collection_item("practices", pid)
            if w.response_headers["ETag"] == first_etag:
                raise AssertionError("the ETag did not change with the update")
            w.headers["If-Match"] = w.response_headers["ETag"]
            eq(w.collection_item_delete("practices", pid), True, "collection_item_delete")
            eq(public_get(location)[0], 404, "the deleted (archived) item read anonymously")
            status, items = public_get(f"{edit_ogc}/collections/practices/items?limit=1000")
            eq(status, 200, "items after the delete")
            eq(pid in {x["id"] for x in items["features"]}, False, "the archived item in the list")
            eq(items["numberMatched"], len(PRACTICES), "numberMatched after create and delete")
        finally:
            for h in ("Authorization", "If-Match", "Content-Type"):
                w.headers.pop(h, None)


# ---------------------------------------------------------------- geopy

@check("geopy Photon geocodes 32-600 Oświęcim and Dąbrowa Górnicza, reverses Gdańsk")
def _():
    from geopy.geocoders import Photon

    g = Photon(domain=f"{HOSTPORT}/photon", scheme="http", timeout=10)
    loc = g.geocode("32-600 Oświęcim")
    if loc is None:
        raise AssertionError("no answer for 32-600 Oświęcim")
    near(loc.latitude, loc.longitude, 50.0344, 19.2098, 5, "Oświęcim")
    eq(loc.raw["properties"]["postcode"], "32-600", "postcode")
    eq(loc.raw["properties"]["countrycode"], "PL", "countrycode")
    if not loc.address.startswith("Oświęcim"):
        raise AssertionError(loc.address)
    loc = g.geocode("Dąbrowa Górnicza", language="pl")
    near(loc.latitude, loc.longitude, 50.3217, 19.1949, 8, "Dąbrowa Górnicza")
    eq(loc.raw["properties"]["name"], "Dąbrowa Górnicza", "name")
    many = g.geocode("Dąbrowa", exactly_one=False, limit=5)
    if not many or len(many) > 5:
        raise AssertionError(f"limit=5 gave {many}")
    rev = g.reverse("54.3520, 18.6466")
    eq(rev.raw["properties"]["name"], "Gdańsk", "reverse name")
    eq(rev.raw["properties"]["state"], "województwo pomorskie", "reverse state")


@check("geopy Nominatim geocodes 32-600 Oświęcim and Dąbrowa Górnicza, reverses Gdańsk")
def _():
    from geopy.geocoders import Nominatim

    g = Nominatim(domain=f"{HOSTPORT}/nominatim", scheme="http", user_agent="mapa-praktyk-tests",
                  timeout=10)
    loc = g.geocode("32-600 Oświęcim", addressdetails=True, country_codes="pl", language="pl")
    near(loc.latitude, loc.longitude, 50.0344, 19.2098, 5, "Oświęcim")
    eq(isinstance(loc.raw["lat"], str), True, "lat is a string")
    eq(loc.raw["address"]["postcode"], "32-600", "postcode")
    eq(loc.raw["address"]["country_code"], "pl", "country_code")
    eq(len(loc.raw["boundingbox"]), 4, "boundingbox")
    if not loc.address.startswith("Oświęcim"):
        raise AssertionError(loc.address)
    loc = g.geocode({"city": "Dąbrowa Górnicza", "state": "śląskie"})
    near(loc.latitude, loc.longitude, 50.3217, 19.1949, 8, "structured Dąbrowa Górnicza")
    loc = g.geocode("Dąbrowa Górnicza")
    near(loc.latitude, loc.longitude, 50.3217, 19.1949, 8, "Dąbrowa Górnicza")
    rev = g.reverse("54.3520, 18.6466")
    eq(rev.raw["address"]["city"], "Gdańsk", "reverse city")
    if "Gdańsk" not in rev.address:
        raise AssertionError(rev.address)
    eq(g.reverse("48.8566, 2.3522"), None, "reverse in Paris")
    eq(g.geocode("Xyzzyqwe Nowhere"), None, "nothing found")


failed = sum(1 for _, e in results if e is not None)
print(f"{len(results) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
