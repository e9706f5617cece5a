#!/usr/bin/env python3
"""Tandem's own generator of made-up application exports, for its tests and benchmarks (dev-only).

    scripts/gen_applications.py --n 2000 --seed 7 > applications.csv
    scripts/gen_applications.py --n 500 --either 0.6 --places 1 --zones many --flavour msforms-excel --out a.csv

Each row is one response to the form described in docs/form.md, in one of its real export shapes:
  google-csv     Google Forms' "Download responses": UTF-8, commas, ticked options joined by ";",
                 times such as "2026/10/03 4:12:55 PM GMT+1"
  google-sheet   the CSV of the Sheet linked to the form: ticked options joined by ", ", day-first times
  msforms-excel  Microsoft Forms opened in Excel and saved as CSV UTF-8: a BOM, CRLF, ID, Start time,
                 Completion time, Email and Name columns first, options with a trailing ";", month-first
                 two-digit-year times, and now and then a decimal comma

The knobs shape the pool, so that tests can reach pools unlike the defaults:
  --either S     share of the experienced (2+ years) who answer "Either" (default 0.2)
  --senior S     share of the experienced who answer "Senior" (default 0.45); the rest "Junior"
  --places W     weights of offering 1, 2 and 3 places, such as 6,3,1 (the default) or 1 (one place each)
  --zones Z      where people live: uk (all in Britain), mixed (the default: mostly UK and Ireland,
                 some in Europe, North America and Australasia) or many (spread over every continent)
  --bad-rate R   share of rows with one mistake a real applicant makes (default 0.02)
  --dup-rate R   share of people who answered a second time, later (default 0.04)
  --start D --days N   responses spread evenly over N days from D (default 2026-06-01, 150)

Deterministic: the same arguments give the same bytes. Standard library only.
"""
import argparse
import csv
import io
import random
import sys
from datetime import datetime, timedelta

# The form's own answers (docs/form.md; Tandem's FormConfig defaults).
AREAS = [
    "Management and leadership", "Interpersonal and communication skills", "Career progression",
    "Team dynamics", "Clinical photography", "Medical illustration", "3D imaging, scanning and printing",
    "Video and animation", "Ophthalmic imaging", "Forensic photography", "Teaching and education",
    "Research and publishing", "Digital asset management", "Patient consent, ethics and confidentiality",
    "Business and freelancing", "CPD and reflective practice",
]
JUNIOR, SENIOR, EITHER = "Junior partner (mentee)", "Senior partner (mentor)", "Either - pair me where I can help most"
MEETING = ["Online (video call)", "In person", "No preference"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
PERIODS = [("morning", "09:00-12:00"), ("lunchtime", "12:00-14:00"), ("afternoon", "14:00-17:00"), ("evening", "18:00-20:00")]
TIMES = [f"{day} {name} ({hours})" for day in DAYS for name, hours in PERIODS] + ["Saturday morning (09:00-12:00)"]
QUESTIONS = [
    "Full name", "Organisation", "Job title", "Years of professional experience", "I would like to join the scheme as",
    "How many junior partners could you support at once?", "My areas of expertise", "Areas I would like to develop",
    "What do you hope to get out of the mentorship?", "Preferred way to meet", "Nearest city or region", "Your time zone",
    "When are you usually free for a one-hour session? (your local time)", "Preferred partner (e-mail, optional)",
    "People you should not be paired with (e-mails, optional)",
    "I agree that my name, e-mail and answers may be shared with my mentoring partner and the scheme coordinator",
]

# Where people live: (region answer, its time zones, weight) for each --zones mode.
PLACES = {
    "uk": [("London", ["Europe/London"], 5), ("Midlands", ["Europe/London"], 3), ("North West", ["Europe/London"], 3),
           ("Scotland", ["Europe/London"], 2), ("Wales", ["Europe/London"], 1), ("South West", ["Europe/London"], 2),
           ("Yorkshire", ["Europe/London"], 2), ("Northern Ireland", ["Europe/London"], 1)],
    "mixed": [("London", ["Europe/London"], 12), ("South East", ["Europe/London"], 7), ("Midlands", ["Europe/London"], 7),
              ("North West", ["Europe/London"], 6), ("North East", ["Europe/London"], 3), ("Yorkshire", ["Europe/London"], 4),
              ("Scotland", ["Europe/London"], 5), ("Wales", ["Europe/London"], 3), ("Northern Ireland", ["Europe/London"], 2),
              ("Republic of Ireland", ["Europe/Dublin"], 3), ("Europe (outside UK and Ireland)", ["Europe/Paris", "Europe/Madrid"], 3),
              ("North America", ["America/New_York", "America/Chicago", "America/Vancouver"], 2),
              ("Australia and New Zealand", ["Australia/Melbourne", "Pacific/Auckland"], 1), ("Other", ["Asia/Dubai"], 1)],
    "many": [("London", ["Europe/London"], 3), ("Europe (outside UK and Ireland)", ["Europe/Berlin", "Europe/Athens", "Europe/Lisbon"], 3),
             ("North America", ["America/Toronto", "America/Denver", "America/Los_Angeles", "America/Halifax"], 3),
             ("Australia and New Zealand", ["Australia/Perth", "Australia/Adelaide", "Pacific/Auckland"], 2),
             ("Other", ["Asia/Kolkata", "Asia/Kathmandu", "Asia/Tokyo", "Africa/Lagos", "America/Sao_Paulo", "Asia/Singapore"], 4)],
}

GIVEN = ["Amara", "Bethan", "Callum", "Deepa", "Eoin", "Farah", "Gethin", "Hana", "Isla", "Jonah", "Kwame", "Lucía",
         "Maeve", "Nikhil", "Orla", "Pavel", "Rosa", "Sanjay", "Tamsin", "Usman", "Vera", "Wiktoria", "Xavier", "Yasmin",
         "Zainab", "Ciarán", "Hélène", "Søren", "Łucja", "Núria"]
FAMILY = ["Adeyemi", "Baxter", "Campbell", "D'Souza", "Ellis", "Fraser", "Gallagher", "Hussain", "Iqbal", "Jenkins",
          "Kowalski", "Lloyd", "McKenzie", "Nwosu", "O'Neill", "Price", "Quinn", "Rahman", "Stewart", "Thompson",
          "Varga", "Ward", "Young", "van der Berg", "Ní Bhriain", "Żukowska"]
EMPLOYERS = ["Barts Health NHS Trust", "Barts Health", "NHS Lothian", "Sheffield Teaching Hospitals", "Birmingham Children's Hospital",
             "Aneurin Bevan UHB", "Western Health and Social Care Trust", "University of the West of England", "Tallaght University Hospital",
             "Freelance", "Independent practice", "Cambridge University Hospitals", "Medical Imaging Partnership Ltd"]
EARLY_TITLES = ["Trainee Medical Illustrator", "Clinical Photographer", "Assistant Medical Photographer", "Imaging Technician",
                "Junior Physiotherapist", "Graduate Illustrator"]
LATE_TITLES = ["Head of Clinical Photography", "Principal Clinical Photographer", "Medical Illustration Manager",
               "Senior Lecturer", "Consultant Therapist", "Lead Medical Illustrator"]
HOPES = [
    "To get better at explaining what our service can do for surgical teams.",
    "A sounding board while I decide whether to specialise in ophthalmic imaging.",
    "I'd like help writing my first conference abstract, and I can offer help with video editing in return.",
    "Keeping my own practice fresh; I learn as much from newer colleagues as they do from me.",
    "Reflection for my CPD portfolio, and someone outside my trust to talk to about workload.",
    "Moving from freelance work into an NHS department: \"how things work\" there.",
    "Confidence with consent conversations,\nand with presenting at department meetings.",
    "",
]


def choose_areas(rng, count, weights):
    chosen = set()
    while len(chosen) < count:
        chosen.add(rng.choices(range(len(AREAS)), weights=weights)[0])
    return [AREAS[i] for i in sorted(chosen)]


def applicant(rng, index, when, knobs):
    """One person's answers, as they would give them."""
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    plain = "".join(c for c in (given + "." + family).lower() if c.isascii() and (c.isalnum() or c == "."))
    email = f"{plain}.{index}@{rng.choice(['nhs.net', 'nhs.scot', 'example.ac.uk', 'example.org'])}"
    band = rng.choices(["early", "mid", "late"], weights=[4, 3, 3])[0]
    years = round({"early": rng.uniform(0.3, 1.9), "mid": rng.uniform(2, 9), "late": rng.uniform(9, 32)}[band], 1)
    if years < 2:
        role = JUNIOR
    else:
        role = rng.choices([EITHER, SENIOR, JUNIOR], weights=[knobs.either, knobs.senior, max(0.0, 1 - knobs.either - knobs.senior)])[0]
    offers = role != JUNIOR
    # Common areas are offered often and wanted rarely; scarce ones the other way round.
    common = [7, 5, 3, 4, 8, 6, 1, 3, 2, 1, 5, 3, 2, 4, 2, 4]
    scarce = [max(1, 9 - w) for w in common]
    expertise = choose_areas(rng, rng.randint(1, 4 if offers else 2), common)
    development = [a for a in choose_areas(rng, rng.randint(1, 3), scarce if not offers else common) if a not in expertise]
    region, zones, _ = rng.choices(PLACES[knobs.zones], weights=[w for _, _, w in PLACES[knobs.zones]])[0]
    free = sorted({rng.randrange(len(TIMES)) for _ in range(rng.randint(1, 7))})
    return {
        "when": when, "email": email, "name": f"{given} {family}", "organisation": rng.choice(EMPLOYERS),
        "title": rng.choice(LATE_TITLES if years >= 9 else EARLY_TITLES), "years": years, "role": role,
        "places": str(rng.choices([1, 2, 3], weights=knobs.places)[0]) if offers else "",
        "expertise": expertise, "development": development or ["Career progression"], "hope": rng.choice(HOPES),
        "meeting": rng.choices(MEETING, weights=[6, 1, 3])[0], "region": region, "zone": rng.choice(zones),
        "free": [TIMES[i] for i in free], "prefer": "", "avoid": "", "consent": "Yes",
    }


def mistake(rng, answers):
    """One slip a real applicant makes, each of which Tandem must name."""
    slip = rng.randrange(8)
    if slip == 0:
        answers["email"] = answers["email"].replace("@", "(at)")
    elif slip == 1:
        answers["years"] = rng.choice(["over ten", "3-4", "n/a", ""])
    elif slip == 2:
        answers["zone"] = rng.choice(["BST", "UK time", "Europe/Londn", "GMT+0"])
    elif slip == 3:
        answers["expertise"] = answers["expertise"] + ["Drone photography"]
    elif slip == 4:
        answers["consent"] = rng.choice(["No", ""])
    elif slip == 5:
        answers["role"], answers["years"] = SENIOR, 0.5
    elif slip == 6:
        answers["email"] = ""
    else:
        answers["email"] = answers["email"].split("@")[0] + "@nhs"


def stamp(flavour, moment):
    if flavour == "google-csv":
        summer = "GMT+1" if 3 < moment.month < 11 else "GMT"
        hour = moment.hour % 12 or 12
        return f"{moment:%Y/%m/%d} {hour}:{moment:%M:%S} {'AM' if moment.hour < 12 else 'PM'} {summer}"
    if flavour == "google-sheet":
        return f"{moment:%d/%m/%Y %H:%M:%S}"
    return f"{moment.month}/{moment.day}/{moment:%y %H:%M:%S}"


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--flavour", choices=["google-csv", "google-sheet", "msforms-excel"], default="google-csv")
    parser.add_argument("--bad-rate", type=float, default=0.02)
    parser.add_argument("--dup-rate", type=float, default=0.04)
    parser.add_argument("--start", default="2026-06-01")
    parser.add_argument("--days", type=int, default=150)
    parser.add_argument("--either", type=float, default=0.2)
    parser.add_argument("--senior", type=float, default=0.45)
    parser.add_argument("--places", default="6,3,1")
    parser.add_argument("--zones", choices=sorted(PLACES), default="mixed")
    parser.add_argument("--out")
    knobs = parser.parse_args(argv)
    weights = [float(w) for w in knobs.places.split(",")]
    knobs.places = (weights + [0, 0, 0])[:3]
    if knobs.either < 0 or knobs.senior < 0 or knobs.either + knobs.senior > 1:
        parser.error("--either and --senior are shares: each at least 0, together at most 1")
    return knobs


def main(argv):
    knobs = parse(argv)
    rng = random.Random(knobs.seed)
    first = datetime.fromisoformat(knobs.start)
    people = [applicant(rng, i, first + timedelta(seconds=rng.randrange(max(1, knobs.days) * 86_400)), knobs)
              for i in range(knobs.n)]
    addresses = [p["email"] for p in people]
    for p in people:
        draw = rng.random()
        if draw < 0.04:
            p["prefer"] = rng.choice(addresses)
        elif draw < 0.07:
            p["avoid"] = "; ".join(rng.sample(addresses, min(2, len(addresses))))
    rows = list(people)
    # Some answered again later, with fewer free times and the address typed differently.
    for p in rng.sample(people, int(knobs.dup_rate * knobs.n)):
        again = dict(p, when=p["when"] + timedelta(days=rng.randint(2, 35), minutes=rng.randint(0, 600)), free=p["free"][-1:])
        if rng.random() < 0.5:
            again["email"] = " " + p["email"].title() + " "
        rows.append(again)
    for p in rng.sample(rows, int(knobs.bad_rate * len(rows))):
        mistake(rng, p)
    rows.sort(key=lambda p: p["when"])

    excel = knobs.flavour == "msforms-excel"
    separator = ", " if knobs.flavour == "google-sheet" else ";"
    listed = lambda items: (separator.join(items) + (";" if excel else "")) if items else ""
    years = lambda y: str(y).replace(".", ",") if excel and rng.random() < 0.25 else str(y)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if excel else "\n")
    writer.writerow((["ID", "Start time", "Completion time", "Email", "Name"] if excel else ["Timestamp", "Email Address"]) + QUESTIONS)
    for number, p in enumerate(rows, 1):
        answers = [p["name"], p["organisation"], p["title"], years(p["years"]), p["role"], p["places"], listed(p["expertise"]),
                   listed(p["development"]), p["hope"], p["meeting"], p["region"], p["zone"], listed(p["free"]), p["prefer"],
                   p["avoid"], p["consent"]]
        if excel:
            opened = p["when"] - timedelta(minutes=rng.randint(2, 30))
            writer.writerow([number, stamp(knobs.flavour, opened), stamp(knobs.flavour, p["when"]), p["email"], p["name"]] + answers)
        else:
            writer.writerow([stamp(knobs.flavour, p["when"]), p["email"]] + answers)
    data = (("\ufeff" if excel else "") + out.getvalue()).encode("utf-8")
    if knobs.out:
        with open(knobs.out, "wb") as file:
            file.write(data)
    else:
        sys.stdout.buffer.write(data)


if __name__ == "__main__":
    main(sys.argv[1:])
