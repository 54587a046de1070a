# ruff: noqa: E501 (a data table reads best one block a line)
"""Writes config/demo/catalog.yaml: three qualifications cut into blocks, each block offered
in a carousel (a daytime ring, an evening ring half a cycle later, and for some blocks a
weekend or online ring) over two years from DEMO_ANCHOR. The demo loader shifts all dates so
that DEMO_ANCHOR falls on the first Monday from today, so the demo never goes stale.

Run it after editing the qualifications below: python config/demo/make_catalog.py"""
from datetime import date, timedelta
from pathlib import Path

import yaml

DEMO_ANCHOR = date(2027, 1, 4)
WEEKS_PER_BLOCK = 6
HORIZON = timedelta(days=2 * 365)

QUALIFICATIONS = [
    {
        "institution": "techniek-college-rijnmond", "crebo": "25655", "level": 2,
        "name": {"nl": "Timmerman", "en": "Carpenter"},
        "description": {"nl": "Bouwen met hout: van maatvoering tot afwerking, op de bouwplaats en in de werkplaats.",
                        "en": "Building with timber: from setting out to finishing, on site and in the workshop."},
        "address": "Bouwlaan 12, 3011 AB Rotterdam",
        "blocks": [
            ("TIM-01", "Veilig werken op de bouwplaats", "Working safely on site", 3, []),
            ("TIM-02", "Maatvoering en uitzetten", "Measuring and setting out", 4, ["TIM-01"]),
            ("TIM-03", "Houtverbindingen maken", "Making timber joints", 5, ["TIM-01"]),
            ("TIM-04", "Kozijnen en deuren plaatsen", "Fitting frames and doors", 5, ["TIM-02", "TIM-03"]),
            ("TIM-05", "Prefab houtbouw monteren", "Assembling prefab timber structures", 6, ["TIM-03"]),
            ("TIM-06", "Afwerken en opleveren", "Finishing and handing over", 4, ["TIM-04"]),
        ],
        "rings": [("daytime", ["mon", "tue"], "08:30", "15:30", "school", "physical"),
                  ("evening", ["tue", "thu"], "18:30", "21:30", "school", "physical"),
                  ("weekend", ["sat"], "09:00", "16:00", "company", "practical")],
    },
    {
        "institution": "zorgacademie-oost", "crebo": "25491", "level": 3,
        "name": {"nl": "Verzorgende-IG", "en": "Care worker (individual healthcare)"},
        "description": {"nl": "Zorg en ondersteuning bieden aan cliënten thuis en in de instelling.",
                        "en": "Providing care and support to clients at home and in care homes."},
        "address": "Zorgplein 3, 7511 JK Enschede",
        "blocks": [
            ("VIG-01", "Basiszorg en hygiëne", "Basic care and hygiene", 4, []),
            ("VIG-02", "Communicatie met cliënt en naasten", "Communicating with clients and family", 3, []),
            ("VIG-03", "Verpleegtechnische handelingen", "Nursing procedures", 6, ["VIG-01"]),
            ("VIG-04", "Medicatie veilig verstrekken", "Administering medication safely", 4, ["VIG-03"]),
            ("VIG-05", "Zorgplan opstellen en evalueren", "Drawing up and evaluating a care plan", 5, ["VIG-02"]),
            ("VIG-06", "Dementie en psychogeriatrie", "Dementia and psychogeriatric care", 5, ["VIG-02"]),
            ("VIG-07", "Beroepspraktijk in de wijk", "Professional practice in the community", 6, ["VIG-04", "VIG-05"]),
        ],
        "rings": [("daytime", ["wed", "thu"], "09:00", "16:00", "school", "physical"),
                  ("evening", ["mon", "wed"], "19:00", "22:00", "home", "digital"),
                  ("weekend", ["sat"], "10:00", "15:00", "community_centre", "physical")],
    },
    {
        "institution": "techniek-college-rijnmond", "crebo": "25290", "level": 4,
        "name": {"nl": "Technicus mechatronica", "en": "Mechatronics technician"},
        "description": {"nl": "Mechatronische systemen ontwerpen, bouwen, programmeren en onderhouden.",
                        "en": "Designing, building, programming and maintaining mechatronic systems."},
        "address": "Techniekweg 40, 3044 CL Rotterdam",
        "blocks": [
            ("MEC-01", "Elektrotechniek en meten", "Electrical engineering and measurement", 5, []),
            ("MEC-02", "Pneumatiek en hydrauliek", "Pneumatics and hydraulics", 4, []),
            ("MEC-03", "PLC programmeren", "Programming PLCs", 6, ["MEC-01"]),
            ("MEC-04", "Industriële vision-systemen", "Industrial vision systems", 5, ["MEC-03"]),
            ("MEC-05", "Storingsanalyse en onderhoud", "Fault analysis and maintenance", 4, ["MEC-01", "MEC-02"]),
            ("MEC-06", "Robotica in de productielijn", "Robotics on the production line", 6, ["MEC-03", "MEC-05"]),
        ],
        "rings": [("daytime", ["thu", "fri"], "08:30", "15:30", "school", "physical"),
                  ("evening", ["mon", "wed"], "18:30", "21:30", "school", "physical"),
                  ("evening", ["tue"], "19:00", "21:30", "home", "digital")],
    },
]

OUTCOME = {
    "nl": "De beroepsbeoefenaar voert '{nl}' zelfstandig uit volgens de geldende normen, in de beroepspraktijk.",
    "en": "The professional carries out '{en}' independently to the applicable standards, in professional practice.",
}


def runs_for(index: int, code: str, q: dict) -> list[dict]:
    count = len(q["blocks"])
    cycle = timedelta(weeks=WEEKS_PER_BLOCK * count)
    runs = []
    for ring_number, (time_of_day, days, start_at, end_at, location, form) in enumerate(q["rings"]):
        offset = timedelta(weeks=WEEKS_PER_BLOCK * index) + cycle * ring_number / len(q["rings"])
        offset = timedelta(days=offset.days - offset.days % 7)
        start = DEMO_ANCHOR + offset
        while start < DEMO_ANCHOR + HORIZON:
            end = start + timedelta(weeks=WEEKS_PER_BLOCK) - timedelta(days=3 if time_of_day != "weekend" else 1)
            runs.append({
                "code": f"{code}-{start:%Y%m%d}-{time_of_day[0].upper()}{ring_number}",
                "start": start.isoformat(), "end": end.isoformat(),
                "time_of_day": time_of_day, "weekdays": days,
                "starts_at": start_at, "ends_at": end_at,
                "location_kind": location,
                "address": "Online" if location == "home" else q["address"],
                "learning_form": form,
                "seats_total": 16 if location != "home" else 30,
            })
            start += cycle
    return runs


def document() -> dict:
    return {
        "institutions": [
            {"slug": "techniek-college-rijnmond", "name": "Techniek College Rijnmond",
             "url": "https://www.techniekcollegerijnmond.example"},
            {"slug": "zorgacademie-oost", "name": "Zorgacademie Oost",
             "url": "https://www.zorgacademie-oost.example"},
        ],
        "qualifications": [
            {
                "institution": q["institution"], "crebo": q["crebo"], "name": q["name"],
                "description": q["description"], "level": q["level"],
                "blocks": [
                    {
                        "code": code, "name": {"nl": nl, "en": en}, "ec": ec, "hours": ec * 28,
                        "learning_outcomes": [{k: v.format(nl=nl.lower(), en=en.lower())
                                               for k, v in OUTCOME.items()}],
                        "prerequisites": prerequisites,
                        "exempting_achievements": [f"urn:eigendossier:achievement:{code.lower()}"],
                        "runs": runs_for(i, code, q),
                    }
                    for i, (code, nl, en, ec, prerequisites) in enumerate(q["blocks"])
                ],
            }
            for q in QUALIFICATIONS
        ],
    }


if __name__ == "__main__":
    target = Path(__file__).with_name("catalog.yaml")
    header = "# Generated by make_catalog.py; dates are shifted to today by the demo loader.\n"
    target.write_text(header + yaml.safe_dump(document(), allow_unicode=True, sort_keys=False,
                                              width=100), encoding="utf-8")
    print(f"wrote {target}")
