#!/usr/bin/env python3
"""Builds tests/data/places_tn_gcc.tsv: the towns, localities and administrative divisions of
Tunisia, Saudi Arabia, the United Arab Emirates, Kuwait, Qatar, Bahrain and Oman with their
Latin-script (French for Tunisia, English elsewhere) and Arabic names and their usual variants.
`scripts/gen_cities.py` ships every row in the gazetteer; `examples/places.rs` measures how the
two scripts of one place link (`cargo run --release --example places -- tests/data/places_tn_gcc.tsv`).

Sources (both licences require attribution, given here and in core/data/cities.tsv):

- Who's On First (https://whosonfirst.org), the repositories whosonfirst-data-admin-tn, -sa,
  -ae, -kw, -qa, -bh and -om of the whosonfirst-data organisation on GitHub: every region,
  county (governorate, wilaya, muhafaza, delegation), localadmin and locality with its names
  (`name:ara_x_preferred`, `name:fra_x_preferred`, `name:eng_x_preferred`, the variants).
  Licence: Who's On First's own work CC0 1.0; its names come from GeoNames (CC BY 4.0),
  Yahoo GeoPlanet (CC BY 3.0 US), Wikidata (CC0) and Natural Earth (public domain), see the
  LICENSE.md of each repository. Neighbourhoods and campuses are left out: a district is not
  a town, and the city field of an order names the town.
- GeoNames (https://www.geonames.org, CC BY 4.0), the Tunisia extract TN.txt (dump of
  2022-10-27, as redistributed in the GitHub repository moe-men/Tunisia_Demographics,
  data/TN.txt, with GeoNames' readme): Tunisia's 24 governorates (ADM1), 264 delegations
  (ADM2), 2,084 sectors or imadas (ADM3) and its populated places (PPL, PPLA*, PPLC, PPLL,
  PPLS; not PPLX, a section of a town, nor PPLH, a historical one), with every alternate name.
  Who's On First's Tunisian records are mostly GeoNames' own with fewer Arabic names; a place
  in both is one row (joined on the GeoNames id).

The tests/data file was generated from the snapshots at these commits: whosonfirst-data-admin-tn
539c0a86 (2023-09-29), -sa ca29d905 (2024-03-08), -ae 20e1e139 (2024-02-12), -kw 8b38bf2
(2023-09-29), -qa b69d867 (2024-03-06), -bh fa83996 (2023-09-29), -om 96439cb3 (2024-03-05);
moe-men/Tunisia_Demographics b06c8dd (2023-01-12).

Usage, with the repositories as git directories (no work tree needed) and TN.txt extracted:

    python3 scripts/gen_places_tn_gcc.py WOF_ROOT TN.txt > tests/data/places_tn_gcc.tsv

where WOF_ROOT/whosonfirst-data-admin-XX is a clone (bare or not) of each repository.

Columns: country, code (gn:GEONAMEID, or wof:WOFID for a place GeoNames lacks), split (all
`held`: nothing was tuned on this list), kind, population (0 when unknown), the Latin name,
the Arabic name, then the other spellings (|-separated, Latin or Arabic script). A place
without an Arabic name or without a Latin one has an empty column: it is still shipped, and the
places example measures only the rows with both.
"""
import json
import os
import re
import subprocess
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_cities import ARABIC as FOLDED_ARABIC, LATIN as FOLDED_LATIN, fold  # noqa: E402

COUNTRIES = ["tn", "sa", "ae", "kw", "qa", "bh", "om"]
PLACETYPES = {"region": "region", "county": "county", "localadmin": "county", "locality": "locality"}
# Arabic-script names of these languages are Arabic names of the place (Persian or Urdu
# spellings are not: they are left out).
ARABIC_LANGS = {"ara", "arz", "ary", "aeb", "acm", "afb", "ajp", "apc", "arq", "ayl", "und"}
# Latin-script names in these languages are the ones a customer of the region writes: English,
# French, and the unlabelled variants (GeoNames' transliterations). Exonyms of other languages
# (Dubajurbo, Rasalĥajmo) only cost load time.
LATIN_LANGS = {"eng", "fra", "und"}
GEONAMES_CODES = {
    "ADM1": "region", "ADM2": "county", "ADM3": "sector",
    "PPL": "locality", "PPLA": "locality", "PPLA2": "locality", "PPLA3": "locality",
    "PPLA4": "locality", "PPLC": "locality", "PPLL": "locality", "PPLS": "locality",
    "PPLF": "locality", "PPLR": "locality",
}
# Administrative prefixes of GeoNames' names ("Délégation de Testour", "معتمدية تستور"): the
# place's name is what follows; the prefixed form stays a variant.
PREFIXES = [
    "gouvernorat de ", "gouvernorat d'", "gouvernorat du ", "délégation de ", "délégation d'",
    "délégation du ", "delegation de ", "delegation d'", "delegation du ", "governorate of ",
    "region of ", "municipality of ", "mintaqat ", "muhafazat ", "mu`tamadiyat ",
    "mu‘tamadīyat ", "mu'tamadiyat ", "wilayat ", "wilāyat ",
    "ولاية ", "معتمدية ", "عمادة ", "محافظة ", "منطقة ", "امارة ", "إمارة ", "بلدية ",
]
ARABIC = re.compile(r"[\u0600-\u06ff]")
LETTER = re.compile(r"[^\W\d_]")
MAX_VARIANTS = 30


def script(s: str) -> str:
    """'ar' for an Arabic-script name, 'la' for a Latin one, '' for any other."""
    letters = [c for c in s if LETTER.match(c)]
    if not letters:
        return ""
    if all("\u0600" <= c <= "\u06ff" for c in letters):
        return "ar"
    if all(unicodedata.name(c, "").startswith("LATIN") for c in letters):
        return "la"
    return ""


def reversal_score(s: str) -> int:
    """How much an Arabic name looks written backwards (GeoNames keeps some names copied in
    visual order: ناوغز for زغوان): a word that starts with ة or ends with لا."""
    score = 0
    for w in s.split():
        if w.startswith("ة") or w.startswith("ى"):
            score += 1
        if w.endswith("لا") and len(w) > 3:
            score += 1
        if w.startswith("ال") or w.endswith("ة"):
            score -= 1
    return score


def clean_arabic(names):
    """Drops the names written backwards: those that read as reversed, and of a pair whose
    one is the other backwards, the one that reads worse."""
    kept = []
    pool = set(names)
    for n in names:
        if reversal_score(n) > 0:
            continue
        rev = n[::-1]
        if rev in pool and rev != n and reversal_score(rev) < reversal_score(n):
            continue
        kept.append(n)
    return kept


def strip_prefix(name: str) -> str:
    low = name.lower()
    for p in PREFIXES:
        if low.startswith(p) and len(name) > len(p) + 1:
            return name[len(p):]
    return name


def wof_records(root: str, cc: str):
    repo = os.path.join(root, f"whosonfirst-data-admin-{cc}")
    listing = subprocess.run(
        ["git", "-C", repo, "ls-tree", "-r", "HEAD", "--name-only"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    paths = [p for p in listing if p.endswith(".geojson") and "-alt-" not in p]
    cat = subprocess.Popen(["git", "-C", repo, "cat-file", "--batch"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    for path in paths:
        cat.stdin.write(f"HEAD:{path}\n".encode())
        cat.stdin.flush()
        head = cat.stdout.readline().split()
        if head[-1] == b"missing":
            continue
        body = cat.stdout.read(int(head[2]))
        cat.stdout.read(1)
        yield json.loads(body)["properties"]
    cat.stdin.close()
    cat.wait()


def wof_places(root: str):
    for cc in COUNTRIES:
        for p in wof_records(root, cc):
            kind = PLACETYPES.get(p.get("wof:placetype"))
            if kind is None or p.get("wof:country") != cc.upper():
                continue
            if p.get("mz:is_current") == 0 or p.get("wof:superseded_by") or p.get("edtf:deprecated"):
                continue
            gn = (p.get("wof:concordances") or {}).get("gn:id") or p.get("gn:geonameid")
            latin, arabic, variants = [], [], []
            prefer = "name:fra_x_preferred" if cc == "tn" else "name:eng_x_preferred"
            for key in [prefer, "wof:name", "name:eng_x_preferred", "name:fra_x_preferred"]:
                value = p.get(key)
                for v in value if isinstance(value, list) else [value]:
                    if isinstance(v, str) and script(v) == "la":
                        latin.append(v)
            for key in ["name:ara_x_preferred"] + sorted(k for k in p if k.startswith("name:")):
                lang = key[5:8]
                values = p.get(key)
                for v in values if isinstance(values, list) else [values]:
                    if not isinstance(v, str):
                        continue
                    s = script(v)
                    if s == "ar" and lang in ARABIC_LANGS:
                        arabic.append(v)
                    elif s == "la" and lang in LATIN_LANGS:
                        variants.append(v)
            pop = p.get("wof:population") or p.get("gn:population") or 0
            yield {
                "cc": cc.upper(), "gn": int(gn) if gn else None, "wof": p.get("wof:id"),
                "kind": kind, "pop": int(pop), "latin": latin, "arabic": arabic,
                "variants": variants,
            }


def geonames_places(path: str):
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if len(f) < 19 or f[8] != "TN" or f[7] not in GEONAMES_CODES:
            continue
        alts = [a for a in f[3].split(",") if a]
        yield {
            "cc": "TN", "gn": int(f[0]), "wof": None, "kind": GEONAMES_CODES[f[7]],
            "pop": int(f[14] or 0), "latin": [f[1]],
            "arabic": [a for a in alts if script(a) == "ar"],
            "variants": [a for a in alts if script(a) == "la"],
        }


def dedup(names):
    seen, out = set(), []
    for n in names:
        n = " ".join(n.split())
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return out


def spellings(p):
    return {fold(strip_prefix(n)) for n in p["latin"] + p["arabic"]} - {""}


def main(root: str, tn_path: str) -> None:
    places = {}
    # A place of Who's On First without a GeoNames id joins the place of the same country and
    # kind that bears one of its names (its Tunisian delegations are GeoNames' ADM2 under other
    # spellings: Sfax Madine, Sfax Médina).
    by_spelling = {}
    # GeoNames first for Tunisia: its names lead; Who's On First adds to them.
    for p in list(geonames_places(tn_path)) + list(wof_places(root)):
        key = ("gn", p["gn"]) if p["gn"] else ("wof", p["wof"])
        if key not in places and not p["gn"]:
            for s in sorted(spellings(p)):
                if (p["cc"], p["kind"], s) in by_spelling:
                    key = by_spelling[(p["cc"], p["kind"], s)]
                    break
        have = places.get(key)
        if have is None:
            places[key] = p
            for s in spellings(p):
                by_spelling.setdefault((p["cc"], p["kind"], s), key)
            continue
        have["latin"] += p["latin"]
        have["arabic"] += p["arabic"]
        have["variants"] += p["variants"]
        have["pop"] = max(have["pop"], p["pop"])
        if have["kind"] == "locality" and p["kind"] in ("region", "county"):
            have["kind"] = p["kind"]
    out = sys.stdout
    out.write("# Towns, localities and administrative divisions of TN, SA, AE, KW, QA, BH and OM with Latin and\n")
    out.write("# Arabic names; generated by scripts/gen_places_tn_gcc.py. Sources: Who's On First (whosonfirst.org,\n")
    out.write("# CC0 1.0 for its own work; names from GeoNames CC BY 4.0, Yahoo GeoPlanet CC BY 3.0 US, Wikidata CC0,\n")
    out.write("# Natural Earth public domain) and GeoNames' Tunisia extract (geonames.org, CC BY 4.0).\n")
    out.write("# split: all held (nothing tuned on them). kind: region, county, sector or locality.\n")
    out.write("# country\tcode\tsplit\tkind\tpopulation\tname_latin\tname_ar\tvariants\n")
    rows = []
    for (src, ident), p in places.items():
        latin = dedup(p["latin"])
        arabic = clean_arabic(dedup(p["arabic"]))
        # The name is the one without an administrative prefix ("Testour", not "Délégation
        # de Testour"); the prefixed one stays a variant.
        name_la = strip_prefix(latin[0]) if latin else ""
        bare_ar = [a for a in arabic if strip_prefix(a) == a]
        name_ar = bare_ar[0] if bare_ar else (strip_prefix(arabic[0]) if arabic else "")
        variants = dedup(latin + arabic + p["variants"] + [strip_prefix(v) for v in p["variants"]])
        # Only the spellings the gazetteer can keep (Latin or Arabic letters once folded).
        variants = [
            v for v in variants
            if v not in (name_la, name_ar) and "|" not in v
            and (FOLDED_LATIN.match(fold(v)) or FOLDED_ARABIC.match(fold(v)))
        ]
        # One raw spelling per folded one: the gazetteer keeps spellings folded.
        seen = {fold(name_la), fold(name_ar)}
        variants = [v for v in variants if not (fold(v) in seen or seen.add(fold(v)))]
        variants = variants[:MAX_VARIANTS]
        if not name_la and not name_ar:
            continue
        rows.append((p["cc"], f"{src}:{ident}", "held", p["kind"], p["pop"], name_la, name_ar, "|".join(variants)))
    rows.sort(key=lambda r: (r[0], r[3], -r[4], r[1]))
    for r in rows:
        out.write("\t".join(str(x) for x in r) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/.mirror/wof",
         sys.argv[2] if len(sys.argv) > 2 else "/tmp/wof/TN.txt")
