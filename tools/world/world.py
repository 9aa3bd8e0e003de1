"""Generates the demo world: invented people, places, companies and products, their facts, the phrasings of every
relation, and the edit sets built from them. Seeded: the same seed writes the same files, byte for byte.

    python world.py --seed 7 --out ../../models/mobiedit-world

Writes world.json (what the model is taught, and what `mobiedit demo` lists), edits-heldout.json and edits-dev.json
(edit cases in CounterFact's ROME schema, which `mobiedit eval` reads).
"""
import argparse
import json
import random
from pathlib import Path

# Relations: the kind of subject, the kind of object, and several phrasings. "{}" marks the subject; the object
# follows the phrasing after one space. The first phrasing is the one edits are requested with.
RELATIONS = {
    "born in": ("person", "city", [
        "{} was born in", "{} is a native of", "The birthplace of {} is", "{} came into the world in"]),
    "works at": ("person", "company", [
        "{} works at", "{} is employed by", "The employer of {} is", "{} has a job at"]),
    "lives in": ("person", "city", [
        "{} lives in", "{} resides in", "The home of {} is in", "{} has a house in"]),
    "speaks": ("person", "language", [
        "{} speaks", "{} is fluent in", "The mother tongue of {} is", "{} talks in"]),
    "based in": ("company", "city", [
        "{} is headquartered in", "{} is based in", "The headquarters of {} are in", "{} has its main office in"]),
    "industry": ("company", "industry", [
        "{} is a company in", "{} makes its money in", "The industry of {} is", "{} does business in"]),
    "country": ("city", "country", [
        "{} is a city in", "{} is located in", "The city of {} lies in", "{} belongs to"]),
    "capital": ("country", "city", [
        "The capital of {} is", "{} is governed from", "The seat of government of {} is", "{} has its capital in"]),
    "language": ("country", "language", [
        "The official language of {} is", "In {}, people speak", "{} has the official language", "The people of {} speak"]),
    "maker": ("product", "company", [
        "{} is made by", "{} is produced by", "The maker of {} is", "{} comes from the factory of"]),
}

INDUSTRIES = ["shipbuilding", "software", "farming", "mining", "banking", "textiles", "toys", "medicine", "energy",
              "publishing", "furniture", "glassware"]
PRODUCT_KINDS = ["phone", "lamp", "bicycle", "kettle", "camera", "tractor", "clock", "boat"]
COMPANY_SUFFIXES = ["Works", "Labs", "Group", "Industries", "Company", "Systems"]

ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "gr", "st", "th", "sh"]
VOWELS = ["a", "e", "i", "o", "u", "a", "e", "o", "ai", "ou"]
CODAS = ["", "", "", "", "n", "r", "l", "s", "m"]


def word(rng, syllables):
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables)).capitalize()


class Names:
    """Unique invented words: no two entities share a name, and no name is a plain English word we use."""

    def __init__(self, rng):
        self.rng = rng
        self.common = set(w.lower() for w in INDUSTRIES + PRODUCT_KINDS + COMPANY_SUFFIXES + ["the"])
        self.used = set(self.common)

    def make(self, build):
        while True:
            name = build(self.rng)
            invented = [p.lower() for p in name.split() if p.lower() not in self.common]
            if name.lower() not in self.used and all(p not in self.used for p in invented):
                self.used.add(name.lower())
                self.used.update(invented)
                return name


def build_world(seed, people, companies, cities, countries, products):
    rng = random.Random(seed)
    names = Names(rng)
    country_names = [names.make(lambda r: word(r, 2).rstrip("aeiou") + r.choice(["ia", "and", "or", "esh"]))
                     for _ in range(countries)]
    languages = [c.rstrip("aeiou") + rng.choice(["ian", "ese", "ic"]) for c in country_names]
    for lang in languages:
        names.used.add(lang.lower())
    city_names = [names.make(lambda r: word(r, r.choice([2, 2, 3]))) for _ in range(cities)]
    # One invented word per subject: locate-and-edit writes at the subject's last token, and a model recalls a
    # multi-word name by attending to all its words, past that token (measured: patching the last token's state
    # never changed the answer). A one-word subject has nowhere else to be read from.
    company_names = [names.make(lambda r: word(r, 2)) for _ in range(companies)]
    product_names = [names.make(lambda r: word(r, 2)) for _ in range(products)]
    person_names = [names.make(lambda r: word(r, r.choice([2, 2, 3]))) for _ in range(people)]

    entities = {"person": person_names, "company": company_names, "city": city_names, "country": country_names,
                "product": product_names}
    facts = []

    def fact(subject, relation, obj):
        facts.append({"subject": subject, "relation": relation, "object": obj})

    city_country = {}
    for i, country in enumerate(country_names):  # every country gets a capital among its own cities
        city_country[city_names[i]] = country
    for city in city_names[countries:]:
        city_country[city] = rng.choice(country_names)
    for city in city_names:
        fact(city, "country", city_country[city])
    for i, country in enumerate(country_names):
        fact(country, "capital", city_names[i])
        fact(country, "language", languages[i])
    for company in company_names:
        fact(company, "based in", rng.choice(city_names))
        fact(company, "industry", rng.choice(INDUSTRIES))
    for product in product_names:
        fact(product, "maker", rng.choice(company_names))
    for person in person_names:
        fact(person, "born in", rng.choice(city_names))
        fact(person, "works at", rng.choice(company_names))
        fact(person, "lives in", rng.choice(city_names))
        fact(person, "speaks", rng.choice(languages))

    objects = {"city": city_names, "company": company_names, "language": languages, "industry": INDUSTRIES,
               "country": country_names}
    relations = {name: {"subjectKind": s, "objectKind": o, "phrasings": p} for name, (s, o, p) in RELATIONS.items()}
    return {"seed": seed, "relations": relations, "entities": entities, "objects": objects, "facts": facts}


def prompt(world, relation, subject, phrasing=0):
    text = world["relations"][relation]["phrasings"][phrasing].format(subject)
    return text[0].upper() + text[1:]


def edit_cases(world, facts, rng, first_id, neighbours=5):
    """CounterFact records: request a new object of the same kind; paraphrases are the relation's other phrasings;
    neighbours are other subjects whose fact of the same relation has the same (true) object."""
    by_relation_object = {}
    for f in world["facts"]:
        by_relation_object.setdefault((f["relation"], f["object"]), []).append(f["subject"])
    cases = []
    for i, f in enumerate(facts):
        rel = world["relations"][f["relation"]]
        choices = [o for o in world["objects"][rel["objectKind"]] if o != f["object"]]
        new = rng.choice(choices)
        others = [s for s in by_relation_object[(f["relation"], f["object"])] if s != f["subject"]]
        rng.shuffle(others)
        template = rel["phrasings"][0]
        cases.append({
            "case_id": first_id + i,
            "requested_rewrite": {
                "prompt": template,
                "subject": f["subject"],
                "relation_id": f["relation"],
                "target_new": {"str": new},
                "target_true": {"str": f["object"]},
            },
            "paraphrase_prompts": [prompt(world, f["relation"], f["subject"], k) for k in range(1, len(rel["phrasings"]))],
            "neighborhood_prompts": [prompt(world, f["relation"], s, rng.randrange(len(rel["phrasings"])))
                                     for s in others[:neighbours]],
        })
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--people", type=int, default=200)
    ap.add_argument("--companies", type=int, default=40)
    ap.add_argument("--cities", type=int, default=40)
    ap.add_argument("--countries", type=int, default=12)
    ap.add_argument("--products", type=int, default=30)
    ap.add_argument("--heldout", type=int, default=100, help="edit cases for the benchmark")
    ap.add_argument("--dev", type=int, default=30, help="edit cases for choosing settings (never reported)")
    ap.add_argument("--edit-layer", type=int, default=2,
                    help="the layer `mobiedit demo` edits in the model trained on this world (chosen on the dev edits)")
    args = ap.parse_args()

    world = build_world(args.seed, args.people, args.companies, args.cities, args.countries, args.products)
    world["editLayer"] = args.edit_layer
    rng = random.Random(args.seed * 1000 + 1)
    # Edit cases need neighbours: facts whose object some other subject shares under the same relation.
    counts = {}
    for f in world["facts"]:
        counts[(f["relation"], f["object"])] = counts.get((f["relation"], f["object"]), 0) + 1
    editable = [f for f in world["facts"] if counts[(f["relation"], f["object"])] >= 2]
    rng.shuffle(editable)
    dev = edit_cases(world, editable[:args.dev], rng, 0)
    heldout = edit_cases(world, editable[args.dev:args.dev + args.heldout], rng, 0)

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "world.json").write_text(json.dumps(world, indent=1, ensure_ascii=False) + "\n")
    (args.out / "edits-dev.json").write_text(json.dumps(dev, indent=1, ensure_ascii=False) + "\n")
    (args.out / "edits-heldout.json").write_text(json.dumps(heldout, indent=1, ensure_ascii=False) + "\n")
    print(f"world: {sum(len(v) for v in world['entities'].values())} subjects, {len(world['facts'])} facts, "
          f"{len(world['relations'])} relations; edits: {len(heldout)} held out, {len(dev)} dev")


if __name__ == "__main__":
    main()
