#!/usr/bin/env python3
"""Makes `cantho-2025-07-01.json`, the reorganisation plan of Cần Thơ on 01/07/2025.

Source: NQ 1668/NQ-UBTVQH15 (16/06/2025, effective 01/07/2025) on the arrangement of the
commune-level units of the merged city of Cần Thơ (former Cần Thơ + Hậu Giang + Sóc Trăng), as
mapped in `cantho-2025-communes.csv` (a copy of `shared/reference/cantho-2025-communes.csv`:
clause, type, new name, former units merged whole, former units merged in part), and the old city
as seeded in `../demo/agencies.json`.

Usage (standard library only, Python 3.8+):
    python3 seeds/reorganisations/make_cantho_2025.py           # writes the JSON, prints a summary
    python3 seeds/reorganisations/make_cantho_2025.py --check   # fails if the committed JSON differs

Every rule and every choice below is documented in `seeds/FORMAT.md` ("reorganisations/"):
  * which province a former unit belonged to is decided by the clause order of NQ 1668, which
    lists, for phường and then for xã, the units formed from former Cần Thơ, then Hậu Giang, then
    Sóc Trăng (BLOCKS);
  * former units of the old Cần Thơ are resolved to their code in agencies.json by type and name
    (two spellings differ: ALIASES); a parenthesised qualifier of the act ("(quận Thốt Nốt)") must
    match the seeds' district; a name found in two districts would go to the district of the
    clause's other former units, reported as a guess (none occurs with today's seeds);
  * wards the seeds list but the act never names (absorbed before 2025) go whole to SEED_ONLY;
  * a unit split in parts is held by the successor taking "phần còn lại" (the remaining part);
  * a district is held by the new unit bearing its name;
  * the eight units kept unchanged (UNCHANGED): the old city's keep their code, the others are new.
"""
import argparse
import csv
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CSV_PATH = HERE / "cantho-2025-communes.csv"
AGENCIES_PATH = HERE.parent / "demo" / "agencies.json"
OUT_PATH = HERE / "cantho-2025-07-01.json"

PROVINCE = "000.00.00.H12"
SERVICE_CENTRE = "000.00.21.H12"
ACT = "NQ 1668/NQ-UBTVQH15"

# Provisional codes (QCVN 102 shape): phường 000.NN.61.H12, xã 000.NN.62.H12, NN = 01.. in clause
# order, then the units kept unchanged that are new to the system. 61 and 62 are level-2 numbers no
# agency uses (departments 01–23, districts 31–39) and none may ever be given them.
GROUP = {"phường": "61", "xã": "62"}

# NQ 1668's clause order, by type: (first clause, last clause, former province).
BLOCKS = {
    "phường": [(1, 15, "Cần Thơ"), (16, 22, "Hậu Giang"), (23, 30, "Sóc Trăng")],
    "xã": [(31, 43, "Cần Thơ"), (44, 64, "Hậu Giang"), (65, 95, "Sóc Trăng")],
}

# The act's spelling -> the seeds' spelling of the same unit.
ALIASES = {
    "Thị trấn Thạnh An": "Thị trấn Thanh An",
    "Xã Thạnh Quới": "Xã Thạnh Qưới",
}

# Wards of the seeds that NQ 1668 never names: they no longer existed in 2025 (the old city had 80
# commune-level units, the seeds 85). All lay in the centre of quận Ninh Kiều, between the former
# Tân An, Thới Bình and Xuân Khánh, which together became the new phường Ninh Kiều.
SEED_ONLY = {
    "Phường An Nghiệp": "Ninh Kiều",
    "Phường An Cư": "Ninh Kiều",
    "Phường An Hội": "Ninh Kiều",
    "Phường An Lạc": "Ninh Kiều",
    "Phường An Phú": "Ninh Kiều",
}

# The eight units NQ 1668 keeps unchanged: (type, name, former province).
UNCHANGED = [
    ("phường", "Tân Lộc", "Cần Thơ"),
    ("xã", "Trường Long", "Cần Thơ"),
    ("xã", "Thạnh Phú", "Cần Thơ"),
    ("xã", "Thới Hưng", "Cần Thơ"),
    ("xã", "Phong Nẫm", "Sóc Trăng"),
    ("xã", "Mỹ Phước", "Sóc Trăng"),
    ("xã", "Lai Hòa", "Sóc Trăng"),
    ("xã", "Vĩnh Hải", "Sóc Trăng"),
]

TYPE_RE = re.compile(r"^(các\s+)?(thị trấn|phường|xã)\s+(.+)$", re.IGNORECASE)
REST_RE = re.compile(
    r"phần còn lại của (thị trấn|phường|xã) (.+?) sau khi sắp xếp theo quy định tại khoản (\d+) Điều này"
)
QUALIFIER_RE = re.compile(r"^(.+?)\s*\(([^)]+)\)$")


def title(kind, name):
    """`phường`, `Tân An` -> `Phường Tân An` (the seeds' style)."""
    return kind[0].upper() + kind[1:] + " " + name


def parse_list(text):
    """The act's list of former units -> [{kind, name, qualifier, rest_of}] in the act's order.

    "các phường A, B và C" gives its type to the bare names after it; "phần còn lại của phường Z
    sau khi sắp xếp theo quy định tại khoản N Điều này" is Z with rest_of = N; a qualifier in
    parentheses applies to the names of the same type before it, back to the previous qualifier
    ("Phường 1 và Phường 2 (thị xã Vĩnh Châu)": both).
    """
    text = text.strip()
    if not text:
        return []
    rests = []

    def keep_rest(m):
        rests.append((m.group(1).lower(), m.group(2), int(m.group(3))))
        return f"\x00{len(rests) - 1}"

    text = REST_RE.sub(keep_rest, text)
    items, kind = [], None
    for piece in re.split(r",\s*|\s+và\s+", text):
        piece = piece.strip()
        if piece.startswith("\x00"):
            k, name, clause = rests[int(piece[1:])]
            items.append({"kind": k, "name": name, "qualifier": None, "rest_of": clause})
            continue
        m = TYPE_RE.match(piece)
        if m:
            kind, name = m.group(2).lower(), m.group(3)
        elif kind is not None:
            name = piece
        else:
            sys.exit(f"no type for `{piece}` in `{text}`")
        qualifier = None
        q = QUALIFIER_RE.match(name)
        if q:
            name, qualifier = q.group(1), q.group(2)
        items.append({"kind": kind, "name": name, "qualifier": qualifier, "rest_of": None})
    for i, it in enumerate(items):
        if it["qualifier"]:
            j = i - 1
            while j >= 0 and items[j]["kind"] == it["kind"] and not items[j]["qualifier"]:
                items[j]["qualifier"] = it["qualifier"]
                j -= 1
    return items


def province_of(kind, clause):
    for first, last, province in BLOCKS[kind]:
        if first <= clause <= last:
            return province
    sys.exit(f"clause {clause} ({kind}) is in no block")


class Seeds:
    def __init__(self, agencies):
        self.by_code = {a["code"]: a for a in agencies}
        self.communes = [a for a in agencies if a["level"] == "commune"]
        self.districts = [a for a in agencies if a["level"] == "district"]
        self.by_name = {}
        for a in self.communes:
            self.by_name.setdefault(a["name"], []).append(a)

    def district_name(self, code):
        return self.by_code[self.by_code[code]["parent_code"]]["name"]

    def candidates(self, kind, name):
        full = title(kind, name)
        return self.by_name.get(ALIASES.get(full, full), [])


def resolve(seeds, item, others, clause, guesses):
    """A former unit of the old Cần Thơ -> its seed agency."""
    found = seeds.candidates(item["kind"], item["name"])
    if item["qualifier"]:
        found = [a for a in found if seeds.district_name(a["code"]).lower() == item["qualifier"].lower()]
    if not found:
        sys.exit(f"khoản {clause}: {title(item['kind'], item['name'])} is not in the seeds")
    if len(found) > 1:
        districts = [seeds.district_name(a["code"]) for o in others for a in seeds.candidates(o["kind"], o["name"])]
        best = max(found, key=lambda a: districts.count(seeds.district_name(a["code"])))
        guesses.append(f"khoản {clause}: {best['name']} taken in {seeds.district_name(best['code'])}")
        return best
    return found[0]


def link(seeds, item, province, clause, whole, guesses, others):
    full = title(item["kind"], item["name"])
    note = None
    if item["rest_of"] is not None:
        note = f"phần còn lại sau khoản {item['rest_of']}"
    elif not whole:
        note = "một phần"
    if province == "Cần Thơ":
        a = resolve(seeds, item, others, clause, guesses)
        out = {"code": a["code"], "name": a["name"], "whole": whole}
        if a["name"] != full:
            note = f"NQ 1668 writes {full}" + (f"; {note}" if note else "")
    else:
        out = {"name": full, "province": province}
        if item["qualifier"]:
            out["district"] = item["qualifier"]
        out["whole"] = whole
    if note:
        out["note"] = note
    return out


def build():
    agencies = json.loads(AGENCIES_PATH.read_text(encoding="utf-8"))["agencies"]
    seeds = Seeds(agencies)
    with CSV_PATH.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    guesses, new_units, counters = [], [], {"phường": 0, "xã": 0}
    seen_old = {}  # seed code -> [(new code, whole, rest_of)]

    def new_code(kind):
        counters[kind] += 1
        return f"000.{counters[kind]:02d}.{GROUP[kind]}.H12"

    for row in rows:
        clause, kind = int(row["clause"]), row["new_type"]
        province = province_of(kind, clause)
        whole_items = parse_list(row["merged_whole"])
        part_items = parse_list(row["merged_partly"])
        everything = whole_items + part_items
        flagged = [(it, True) for it in whole_items] + [(it, False) for it in part_items]
        if province != "Cần Thơ" and all(seeds.candidates(i["kind"], i["name"]) for i in everything):
            sys.exit(f"khoản {clause}: every former unit is in the seeds, yet the clause is outside Cần Thơ's block")
        code = new_code(kind)
        links = []
        for it, listed_whole in flagged:
            whole = listed_whole and it["rest_of"] is None
            others = [o for o in everything if o is not it]
            links.append(link(seeds, it, province, clause, whole, guesses, others))
            if "code" in links[-1]:
                seen_old.setdefault(links[-1]["code"], []).append((code, whole, it["rest_of"]))
        new_units.append({
            "code": code, "name": title(kind, row["new_name"]), "level": "commune", "kind": "people_committee",
            "parent_code": PROVINCE, "provisional_code": True, "clause": clause, "from": links,
        })

    continued = [
        {"code": PROVINCE, "note": "the merged city (former Cần Thơ, Hậu Giang and Sóc Trăng) keeps the code"},
        {"code": SERVICE_CENTRE, "note": "Trung tâm Phục vụ hành chính công của thành phố (QĐ 816/QĐ-UBND, 13/08/2025)"},
    ]
    unchanged_codes = set()
    for kind, name, province in UNCHANGED:
        if province == "Cần Thơ":
            [a] = seeds.candidates(kind, name)
            unchanged_codes.add(a["code"])
            continued.append({"code": a["code"], "parent_code": PROVINCE, "note": f"{a['name']}: unchanged (NQ 1668)"})
        else:
            new_units.append({
                "code": new_code(kind), "name": title(kind, name), "level": "commune", "kind": "people_committee",
                "parent_code": PROVINCE, "provisional_code": True, "clause": None,
                "from": [{"name": title(kind, name), "province": province, "whole": True,
                          "note": "unchanged (NQ 1668), new to the system"}],
            })

    for a in seeds.communes:
        if a["code"] in seen_old or a["code"] in unchanged_codes:
            continue
        target = SEED_ONLY.get(a["name"])
        if target is None:
            sys.exit(f"{a['name']} ({a['code']}) has no successor")
        unit = next(u for u in new_units if u["name"] == "Phường " + target and u["from"][0].get("code"))
        unit["from"].append({"code": a["code"], "name": a["name"], "whole": True,
                             "note": "not named in NQ 1668 (merged before 2025): seeds' simplification"})
        seen_old[a["code"]] = [(unit["code"], True, None)]

    ended, holdings = [], []
    for a in seeds.districts:
        short = a["name"].split(" ", 1)[1]
        [holder] = [u for u in new_units if u["name"].split(" ", 1)[1] == short and u["clause"] and
                    province_of(u["name"].split(" ", 1)[0].lower(), u["clause"]) == "Cần Thơ"]
        ended.append(a["code"])
        holdings.append({"ended": a["code"], "holder": holder["code"],
                         "note": f"{a['name']}: district level abolished; held by {holder['name']}"})
    for a in seeds.communes:
        if a["code"] in unchanged_codes:
            continue
        succ = seen_old[a["code"]]
        ended.append(a["code"])
        if len(succ) == 1 and succ[0][1]:
            holdings.append({"ended": a["code"], "holder": succ[0][0]})
            continue
        rest = [s for s in succ if s[2] is not None]
        if len(rest) != 1 or any(s[1] for s in succ):
            sys.exit(f"{a['name']}: split without exactly one remaining part: {succ}")
        holdings.append({"ended": a["code"], "holder": rest[0][0],
                         "note": f"{a['name']}: split; the successor taking phần còn lại holds"})

    outside = [(l["name"], l["province"], l.get("district")) for u in new_units for l in u["from"] if "code" not in l]
    twice = sorted({o for o in outside if outside.count(o) > 1})
    if twice:
        sys.exit(f"outside units named twice: {twice}")
    plan = {
        "id": "cantho-2025-07-01",
        "effective_on": "2025-07-01",
        "act": ACT,
        "act_date": "2025-06-16",
        "title": "Sắp xếp đơn vị hành chính cấp xã của thành phố Cần Thơ năm 2025",
        "new_units": new_units,
        "continued_units": continued,
        "ended_units": ended,
        "holdings": holdings,
        # Two-level local government from 01/07/2025: the district level ends; its procedures'
        # work goes to the communes (the receiving ward or commune does what the district did).
        # Which former district procedures went to the province instead was not found for Cần Thơ:
        # none is listed as an exception.
        "abolished_levels": [{"level": "district", "procedures_to": "commune", "exceptions": []}],
    }
    return plan, guesses, homonyms(seeds, new_units)


def homonyms(seeds, new_units):
    """Outside units whose type and name a unit of the old Cần Thơ also has (the clause decides)."""
    return [f"khoản {u['clause']}: {l['name']} ({l['province']})" for u in new_units for l in u["from"]
            if "code" not in l and u["clause"] and seeds.by_name.get(ALIASES.get(l["name"], l["name"]))]


def dump(value, indent=0):
    """JSON with one line per flat object, so a reviewer reads one unit or link per line."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    flat = lambda v: not isinstance(v, (dict, list)) or (isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v) and len(v) < 4)
    if isinstance(value, dict):
        if all(flat(v) for v in value.values()):
            return json.dumps(value, ensure_ascii=False)
        parts = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {dump(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(parts) + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        if all(not isinstance(x, (dict, list)) for x in value) and len(value) < 4:
            return json.dumps(value, ensure_ascii=False)
        return "[\n" + ",\n".join(inner + dump(x, indent + 1) for x in value) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed JSON differs")
    args = parser.parse_args()
    plan, guesses, same_names = build()
    text = dump(plan) + "\n"
    if args.check:
        if OUT_PATH.read_text(encoding="utf-8") != text:
            sys.exit(f"{OUT_PATH.name} is not what the script makes: run it and commit the result")
        print(f"{OUT_PATH.name} is up to date")
        return
    OUT_PATH.write_text(text, encoding="utf-8")
    links = [l for u in plan["new_units"] for l in u["from"]]
    kinds = [u["name"].split(" ")[0] for u in plan["new_units"]]
    print(f"new units {len(plan['new_units'])} ({kinds.count('Phường')} phường, {kinds.count('Xã')} xã), "
          f"continued {len(plan['continued_units'])}, ended {len(plan['ended_units'])}")
    print(f"links {len(links)}: whole {sum(l['whole'] for l in links)}, part {sum(not l['whole'] for l in links)}, "
          f"from the old city {sum('code' in l for l in links)}, outside {sum('code' not in l for l in links)}")
    for g in guesses:
        print("guess:", g)
    for h in same_names:
        print("also a name of the old city, outside by its clause:", h)


if __name__ == "__main__":
    main()
