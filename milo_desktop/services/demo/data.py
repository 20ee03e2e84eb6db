"""Static material for the demo workspace: names, places, roles and question banks.

Kept apart from ``demo.py`` so the builder reads as logic. Everything here is fictional:
phone numbers use the 555-01xx range reserved for fiction and e-mail addresses use the
reserved ``example`` domains, so a demo workspace can never text or mail a real person.
"""

from __future__ import annotations

import unicodedata
from random import Random
from typing import Any

DAY = 86_400.0
OUTREACH_NUMBER = "+12145550190"  # the interviewers' screening number
# The keyword number (the workspace's SMS sender): no text stage may use it, since Studio hands
# a screening's replies only to the flow the number's SmsUrl points at (services/entry/).
APPLY_NUMBER = "+12145550191"
# Candidates get 555-0100..0189; 555-0190..0199 are the workspace's own numbers.
STAGE_NAMES = {"resume": "Resume screening", "voice": "Voice interview",
               "sms": "SMS screening", "form": "Form screening"}


def sid(rng: Random, prefix: str) -> str:
    """A Twilio-shaped identifier (two letters + 32 hex digits) drawn from the seeded rng."""
    return f"{prefix}{rng.getrandbits(128):032x}"


def ascii_word(text: str) -> str:
    """Letters only, accents folded: 'García-Márquez' -> 'garciamarquez' (for e-mail/slugs)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(c for c in folded if c.isalnum())


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in folded).split())[:60].strip("-")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# fmt: off  (data tables read best laid out by hand)
FIRST_NAMES: tuple[str, ...] = _words(
    """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara
    Richard Susan Joseph Jessica Thomas Sarah Christopher Karen Daniel Lisa Matthew Nancy Anthony
    Betty Mark Sandra Donald Ashley Steven Kimberly Andrew Emily Joshua Donna Kevin Michelle Brian
    Carol Jose Maria Luis Carmen Juan Ana Carlos Sofia Miguel Lucia Alejandro Valentina Diego
    Camila Jorge Gabriela Ricardo Isabel Mateo Ximena Santiago Guadalupe Wei Mei Jun Li Hiroshi
    Yuki Min-jun Seo-yeon Ji-ho Priya Arjun Ananya Rohan Deepa Vikram Fatima Omar Aisha Yusuf
    Layla Hassan Amara Kwame Chidi Ngozi Tunde Zainab DeShawn Latoya Jamal Keisha Tyrone Imani
    Darnell Aaliyah Olga Dmitri Katarzyna Piotr Ingrid Lars Siobhan Padraig Giulia Marco Amélie
    François Zoë Björn Nguyen Thanh Linh Tuan Kalani Leilani Ahanu Aiyana Tariq Noor Esperanza
    Dolores Renée Chloé"""
)

LAST_NAMES: tuple[str, ...] = _words(
    """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
    Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris
    Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill
    Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Chen Wang Zhang
    Liu Kim Park Choi Patel Shah Singh Kumar Gupta Okafor Adeyemi Mensah Diallo Haddad Khan
    Rahman Ali Hussein Cohen Levy Kowalski Nowak Ivanov Petrov Rossi Bianchi Müller Schmidt
    Johansson Larsen O'Brien O'Connor McCarthy Murphy Gallagher Tanaka Suzuki Yamamoto Sato
    Tran Pham Le Vo Santos Oliveira Pereira Costa Alvarez Castillo Morales Ortiz Gutierrez
    Chavez Ramos Vasquez Mendoza Washington Jefferson Banks Freeman Brooks Hughes Price Bennett
    Kealoha Begay Yazzie Two-Bears St.-Pierre Dubois Lefebvre García-Márquez"""
)

# (city, area codes that really serve it): the phone number of a candidate matches their city.
CITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Dallas, TX", ("214", "469", "972")), ("Fort Worth, TX", ("817", "682")),
    ("Houston, TX", ("713", "281", "832")), ("San Antonio, TX", ("210", "726")),
    ("Austin, TX", ("512", "737")), ("El Paso, TX", ("915",)), ("Plano, TX", ("972", "469")),
    ("Phoenix, AZ", ("602", "480", "623")), ("Scottsdale, AZ", ("480",)),
    ("Atlanta, GA", ("404", "678", "470")), ("Memphis, TN", ("901",)),
    ("Nashville, TN", ("615", "629")), ("Tampa, FL", ("813", "656")),
    ("Orlando, FL", ("407", "321")),
    ("Miami, FL", ("305", "786")), ("Charlotte, NC", ("704", "980")),
    ("Raleigh, NC", ("919", "984")),
    ("Columbus, OH", ("614", "380")), ("Cleveland, OH", ("216",)),
    ("Indianapolis, IN", ("317", "463")),
    ("Chicago, IL", ("312", "773", "872")), ("Detroit, MI", ("313",)),
    ("Kansas City, MO", ("816",)), ("St. Louis, MO", ("314",)), ("Denver, CO", ("303", "720")),
    ("Las Vegas, NV", ("702", "725")), ("Los Angeles, CA", ("213", "323", "310")),
    ("Sacramento, CA", ("916", "279")), ("San Diego, CA", ("619", "858")),
    ("Seattle, WA", ("206",)), ("Portland, OR", ("503", "971")), ("Tulsa, OK", ("918",)),
    ("Oklahoma City, OK", ("405",)), ("Albuquerque, NM", ("505",)), ("Louisville, KY", ("502",)),
    ("Newark, NJ", ("973", "862")), ("Philadelphia, PA", ("215", "267")),
    ("Baltimore, MD", ("410", "443")), ("Boston, MA", ("617", "857")),
    ("Salt Lake City, UT", ("801", "385")),
)

EMAIL_DOMAINS: tuple[str, ...] = (
    "example.com", "example.net", "example.org", "mail.example", "inbox.example", "post.example",
)

# (name, kind, colour). Kinds are the three the spec names: department, client, location.
LABELS: tuple[tuple[str, str, str], ...] = (
    ("Warehouse", "department", "#2563eb"), ("Healthcare", "department", "#059669"),
    ("Hospitality", "department", "#d97706"), ("Drivers", "department", "#7c3aed"),
    ("Office", "department", "#475569"), ("Northwind Logistics", "client", "#0891b2"),
    ("Sunrise Senior Living", "client", "#db2777"), ("Summit Manufacturing", "client", "#65a30d"),
    ("Lakeside Hotels", "client", "#ea580c"), ("Texas", "location", "#dc2626"),
    ("Remote", "location", "#0d9488"),
)

# (interviewer name, position title, question family, labels, workflow)
ROLES: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = (
    ("Forklift Operator — Dallas DC", "Forklift Operator", "warehouse",
     ("Warehouse", "Northwind Logistics", "Texas"), "resume,voice"),
    ("Warehouse Associate (Day shift) — Fort Worth", "Warehouse Associate", "warehouse",
     ("Warehouse", "Texas"), "sms,voice"),
    ("Picker/Packer — Phoenix Fulfillment Center", "Picker/Packer", "warehouse",
     ("Warehouse",), "sms"),
    ("Shipping & Receiving Clerk — Atlanta", "Shipping & Receiving Clerk", "warehouse",
     ("Warehouse",), "resume,voice"),
    ("Inventory Control Specialist — Memphis Hub", "Inventory Control Specialist", "warehouse",
     ("Warehouse", "Northwind Logistics"), "resume,form"),
    ("Reach Truck Operator — Houston Cold Storage (Nights, -10°F freezer)",
     "Reach Truck Operator", "warehouse",
     ("Warehouse", "Texas"), "resume,sms,voice"),
    ("Loader/Unloader — Columbus Cross-dock", "Loader/Unloader", "warehouse",
     ("Warehouse", "Northwind Logistics"), "voice"),
    ("CNA — Sunrise Senior Living (Night shift)", "Certified Nursing Assistant", "healthcare",
     ("Healthcare", "Sunrise Senior Living"), "resume,voice"),
    ("Home Health Aide — Brightpath Home Health, Tampa", "Home Health Aide", "healthcare",
     ("Healthcare",), "form,voice"),
    ("Medical Assistant — Westside Family Clinic", "Medical Assistant", "healthcare",
     ("Healthcare",), "resume,voice"),
    ("LPN — Long-term care, Orlando", "Licensed Practical Nurse", "healthcare",
     ("Healthcare",), "resume"),
    ("Phlebotomist — Mobile draw team, Charlotte", "Phlebotomist", "healthcare",
     ("Healthcare",), "resume,sms,voice"),
    ("Caregiver (weekends) — Sunrise Senior Living", "Caregiver", "healthcare",
     ("Healthcare", "Sunrise Senior Living"), "sms,voice"),
    ("Line Cook — Lakeside Hotels, Nashville", "Line Cook", "hospitality",
     ("Hospitality", "Lakeside Hotels"), "voice"),
    ("Housekeeper — Lakeside Hotels Downtown", "Housekeeper", "hospitality",
     ("Hospitality", "Lakeside Hotels"), "sms,voice"),
    ("Banquet Server (On-call) — Convention Center Events", "Banquet Server", "hospitality",
     ("Hospitality",), "form,voice"),
    ("Front Desk Agent — Lakeside Hotels Airport", "Front Desk Agent", "hospitality",
     ("Hospitality", "Lakeside Hotels"), "resume,voice"),
    ("Dishwasher — Harbor Grill", "Dishwasher", "hospitality",
     ("Hospitality",), "sms"),
    ("CDL-A Driver — Regional, home weekly (Dallas)", "CDL-A Truck Driver", "driving",
     ("Drivers", "Texas"), "resume,voice"),
    ("Delivery Driver (Box truck) — Phoenix", "Delivery Driver", "driving",
     ("Drivers",), "form,voice"),
    ("Yard Jockey — Northwind Logistics, Indianapolis", "Yard Jockey", "driving",
     ("Drivers", "Northwind Logistics"), "resume,sms,voice"),
    ("Route Sales Driver — Denver", "Route Sales Driver", "driving",
     ("Drivers",), "resume,voice"),
    ("Machine Operator — Summit Manufacturing, 2nd shift", "Machine Operator", "manufacturing",
     ("Summit Manufacturing",), "resume,voice"),
    ("Assembly Technician — Summit Manufacturing", "Assembly Technician", "manufacturing",
     ("Summit Manufacturing",), "sms,voice"),
    ("Quality Inspector — Automotive parts, San Antonio", "Quality Inspector", "manufacturing",
     ("Texas",), "resume,form"),
    ("Welder (MIG/TIG) — Summit Manufacturing, Tulsa", "Welder", "manufacturing",
     ("Summit Manufacturing",), "resume,voice"),
    ("Maintenance Mechanic — Food plant, Kansas City", "Maintenance Mechanic", "manufacturing",
     (), "resume,voice"),
    ("Customer Service Representative — Remote (US)", "Customer Service Representative", "office",
     ("Office", "Remote"), "resume,voice"),
    ("Receptionist — Northwind Logistics HQ", "Receptionist", "office",
     ("Office", "Northwind Logistics"), "resume,form"),
    ("Data Entry Clerk — Temp-to-hire, Chicago", "Data Entry Clerk", "office",
     ("Office",), "form"),
    ("Payroll Assistant — Staffing back office", "Payroll Assistant", "office",
     ("Office",), "resume"),
    ("Call Center Agent (Bilingual English/Spanish) — El Paso", "Call Center Agent", "office",
     ("Office", "Texas"), "sms,voice"),
    ("Retail Associate — Holiday season, Austin", "Retail Associate", "general",
     ("Texas",), "sms"),
    ("Security Officer (Unarmed) — Corporate campus, Plano", "Security Officer", "general",
     ("Texas",), "resume,voice"),
    ("Janitor / Custodian — Night crew, Las Vegas", "Custodian", "general",
     (), "sms,voice"),
    ("Landscaping Crew Member — Seasonal, Sacramento", "Landscaping Crew Member", "general",
     (), "form"),
    ("Electrician Apprentice — Commercial construction, Raleigh",
     "Electrician Apprentice", "general",
     (), "resume,voice"),
    # Very long names on purpose: the tables must elide them gracefully.
    ("Senior Warehouse Supervisor — Northwind Logistics Regional DC, "
     "Dallas-Fort Worth Metroplex (Rotating 4x10 shifts)",
     "Senior Warehouse Supervisor", "warehouse",
     ("Warehouse", "Northwind Logistics", "Texas"), "resume,voice"),
    ("Certified Nursing Assistant — Sunrise Senior Living Memory Care, "
     "Scottsdale (Overnight 10pm-6am, alt. weekends)", "Certified Nursing Assistant", "healthcare",
     ("Healthcare", "Sunrise Senior Living"), "resume,sms,voice"),
    ("Bilingual Customer Support Specialist (English/Spanish/Portuguese) — "
     "Tier 1 Billing, Remote within Central Time", "Customer Support Specialist", "office",
     ("Office", "Remote"), "resume,voice"),
)


def scored(prompt: str, low: str, high: str, weight: float = 1.0) -> dict[str, Any]:
    return {"kind": "scored", "prompt": prompt, "rubric_low": low, "rubric_high": high,
            "weight": weight}


def yes_no(prompt: str, expected: bool = True, dealbreaker: bool = False) -> dict[str, Any]:
    return {"kind": "yes_no", "prompt": prompt, "expected_yes": expected,
            "dealbreaker": dealbreaker}


def min_amount(prompt: str, value: float, unit: str, dealbreaker: bool = False) -> dict[str, Any]:
    return {"kind": "min_amount", "prompt": prompt, "min_value": value, "unit": unit,
            "dealbreaker": dealbreaker}


def choice(prompt: str, choices: list[str], accepted: list[str],
           dealbreaker: bool = False) -> dict[str, Any]:
    return {"kind": "multiple_choice", "prompt": prompt, "choices": choices,
            "accepted_choices": accepted, "dealbreaker": dealbreaker}


# Scored (1-5) questions by stage kind; the rubric says in plain words what a 1 and a 5 look like.
SCORED: dict[str, list[dict[str, Any]]] = {
    "voice": [
        scored("Tell me about a time you handled a difficult situation at work.",
               "No example, or blames others.",
               "A specific example: what they did and how it ended well.", 1.5),
        scored("Why are you interested in this role?",
               "No reason, or only the pay.", "Knows the role and links it to their own goals."),
        scored("How do you make sure you arrive on time for every shift?",
               "No plan; has missed shifts.",
               "Reliable transport, a backup plan, a record of punctuality.", 2.0),
        scored("Describe the work you did in your last job that is closest to this one.",
               "Nothing related.",
               "Several years of closely matching tasks, described concretely.", 1.5),
    ],
    "resume": [
        scored("Relevant work experience", "No related experience listed.",
               "Several years in a closely matching role.", 2.0),
        scored("Stability of employment history", "Many jobs under three months, unexplained gaps.",
               "Steady tenure; gaps explained."),
        scored("Certifications and training", "None relevant.",
               "Current, role-specific certifications.", 0.5),
    ],
    "sms": [
        scored("How soon could you start, and what schedule works for you?",
               "Vague, or cannot commit to the schedule.", "Clear start date that fits the shift."),
        scored("In a sentence or two, why should we consider you?",
               "No answer, or off topic.", "Specific strengths that fit the job."),
    ],
    "form": [
        scored("Describe your availability over the next month.",
               "Mostly unavailable.", "Available for the full schedule, including short notice."),
        scored("Anything else you'd like the recruiter to know?",
               "Nothing useful.", "Relevant, specific information that helps the decision.", 0.5),
    ],
}

# A strong and a weak answer for every scored prompt (transcripts, evidence, call records).
ANSWERS: dict[str, tuple[str, str]] = {
    "Tell me about a time you handled a difficult situation at work.": (
        "A shipment came in short right before the truck left. I recounted the pallets with my "
        "lead, we fixed the paperwork and the truck still left on time.",
        "I don't really have problems at work, I just do my job."),
    "Why are you interested in this role?": (
        "I did this kind of work for two years and I want something steady close to home, with "
        "room to move up.", "Honestly I just need a job right now."),
    "How do you make sure you arrive on time for every shift?": (
        "I leave forty minutes early and my sister can drive me if my car is in the shop. I "
        "wasn't late once last year.", "I try my best, sometimes the bus is late."),
    "Describe the work you did in your last job that is closest to this one.": (
        "Scanning, staging orders and loading trailers, about 120 cases an hour, and I trained "
        "new hires on safety.", "Mostly stocking shelves, a bit of everything."),
    "Relevant work experience": (
        "Three years in a closely matching role at two employers.",
        "No directly related roles listed."),
    "Stability of employment history": (
        "Two employers in five years; one gap, explained (family leave).",
        "Five jobs in the last two years; gaps not explained."),
    "Certifications and training": (
        "Current role certification and OSHA 10 listed.", "No certifications listed."),
    "How soon could you start, and what schedule works for you?": (
        "I can start Monday and I'm fine with nights and every other weekend.",
        "Not sure yet, maybe next month, mornings only."),
    "In a sentence or two, why should we consider you?": (
        "I'm reliable, I learn fast and my last supervisor will vouch for me.", "idk"),
    "Describe your availability over the next month.": (
        "Full-time, any shift, and I can pick up extra hours on short notice.",
        "Only a couple of days a week for now."),
    "Anything else you'd like the recruiter to know?": (
        "I have my own steel-toe boots and a clean background check from March.", "No."),
}


def sample_answer(question: dict[str, Any], ok: bool, rng: Random) -> str:
    """What a candidate plausibly said to ``question``: a good (``ok``) or a poor answer."""
    kind = question["kind"]
    if kind == "scored":
        return ANSWERS[question["prompt"]][0 if ok else 1]
    if kind == "yes_no":
        return "Yes." if question["expected_yes"] == ok else "No."
    if kind == "min_amount":
        low, unit = question["min_value"], question["unit"]
        return f"About {low + rng.randint(1, 4):g} {unit}." if ok else f"Under {low:g} {unit}."
    choices: list[str] = question["choices"]
    options = [c for c in choices if (c in question["accepted_choices"]) == ok]
    return rng.choice(options or choices)


# Structured (pass/fail) questions by role family; dealbreakers knock a candidate out.
STRUCTURED: dict[str, list[dict[str, Any]]] = {
    "warehouse": [
        yes_no("Are you able to lift 50 lb repeatedly during a shift?", dealbreaker=True),
        min_amount("How many years of forklift experience do you have?", 1, "years"),
        yes_no("Do you have a current forklift certification?"),
        choice("Which shift can you work?", ["Day", "Swing", "Night", "Any"], ["Night", "Any"]),
    ],
    "healthcare": [
        yes_no("Do you hold an active CNA certification in this state?", dealbreaker=True),
        min_amount("How many years of long-term care experience do you have?", 1, "years"),
        yes_no("Are you current on your TB test and vaccinations?"),
        yes_no("Can you pass a background check?", dealbreaker=True),
    ],
    "hospitality": [
        min_amount("How many years of kitchen or hotel experience do you have?", 1, "years"),
        yes_no("Do you have a food handler card?"),
        choice("Which days can you work?", ["Weekdays", "Weekends", "Both"], ["Weekends", "Both"]),
        yes_no("Are you available to work holidays?", dealbreaker=True),
    ],
    "driving": [
        yes_no("Do you hold a valid CDL-A?", dealbreaker=True),
        min_amount("How much verifiable driving experience do you have?", 2, "years",
                   dealbreaker=True),
        yes_no("Any DUI in the last 7 years?", expected=False, dealbreaker=True),
        choice("Preferred route type?", ["Local", "Regional", "OTR"], ["Local", "Regional"]),
    ],
    "manufacturing": [
        min_amount("How many years have you operated production machines?", 1, "years"),
        yes_no("Can you read a tape measure and calipers?"),
        yes_no("Are you able to stand for 10-hour shifts?", dealbreaker=True),
        choice("Which shift can you work?", ["1st", "2nd", "3rd"], ["2nd", "3rd"]),
    ],
    "office": [
        min_amount("What is your typing speed?", 40, "wpm"),
        yes_no("Do you have a quiet workspace with wired internet?", dealbreaker=True),
        choice("Which languages do you speak fluently?",
               ["English", "Spanish", "Portuguese", "Other"],
               ["English", "Spanish"]),
        yes_no("Are you comfortable with Excel?"),
    ],
    "general": [
        yes_no("Are you at least 18 years old?", dealbreaker=True),
        yes_no("Do you have reliable transportation?"),
        min_amount("How many hours per week can you work?", 20, "hours"),
        choice("When could you start?", ["Immediately", "Within 2 weeks", "Within a month"],
               ["Immediately", "Within 2 weeks"]),
    ],
}

FAMILY_BLURBS: dict[str, str] = {
    "warehouse": "Fast-paced distribution work: picking, packing, loading and equipment operation.",
    "healthcare": "Hands-on resident and patient care with a supportive clinical team.",
    "hospitality": "Guest-facing and back-of-house roles in busy hotels and venues.",
    "driving": "Safe, on-time delivery with well-maintained equipment and predictable routes.",
    "manufacturing": "Production work on modern lines with paid training and overtime.",
    "office": "Organised, people-facing work with clear processes and room to grow.",
    "general": "Steady hours, weekly pay and a team that looks out for each other.",
}

NOTES: tuple[str, ...] = (
    "Strong phone presence; asked good questions about the shift differential.",
    "Prefers nights. Available to start next week.",
    "Follow up about certification expiry date.",
    "Client asked for two more candidates like this one.",
    "Left a voicemail, no answer yet.",
    "Great attitude, a bit light on experience — consider for the trainee track.",
)

TEAMMATES: tuple[tuple[str, str, str], ...] = (
    ("Dana Ruiz", "dana.ruiz@northwind-staffing.example", "admin"),
    ("Marcus Bell", "marcus.bell@northwind-staffing.example", "recruiter"),
    ("Priya Raman", "priya.raman@northwind-staffing.example", "viewer"),
)

TEMPLATES: tuple[tuple[str, str, str, str, str], ...] = (
    # (kind, channel, name, subject, body)
    ("invitation", "email", "Invitation (email)", "Next step for {{job_title}}",
     "Hi {{candidate_name}},\n\nThanks for your interest in {{job_title}}. The next step is a "
     "short "
     "screening:\n\n{{next_step}}\n\nGood luck!"),
    ("invitation", "sms", "Invitation (SMS)", "",
     "Hi {{candidate_name}}, thanks for applying for {{job_title}}. "
     "{{next_step}}"),
    ("nudge", "email", "Nudge", "Reminder: your {{job_title}} screening",
     "Hi {{candidate_name}}, just a reminder that your screening for {{job_title}} is waiting. "
     "{{next_step}}"),
    ("final_nudge", "email", "Final nudge", "Last reminder for {{job_title}}",
     "Hi {{candidate_name}}, this is the last reminder: the screening for {{job_title}} closes "
     "soon. {{next_step}}"),
    ("report_ready", "email", "Report ready", "Your {{job_title}} results",
     "Hi {{candidate_name}}, thanks for completing the screening for {{job_title}}. We will "
     "be in touch about the next step."),
)

RECEPTIONISTS: tuple[dict[str, Any], ...] = (
    {"name": "Dallas Warehouse Hiring Line", "agent_name": "Ava", "family": "warehouse",
     "phone": "+12145550197", "status": "live", "manual_approval": False, "threshold": 70,
     "positions": ["Forklift Operator", "Warehouse Associate", "Reach Truck Operator"],
     "shifts": "Days 6am-2:30pm, nights 10pm-6:30am; 4x10 available",
     "pay": "$18-$22/hour, weekly pay"},
    {"name": "Healthcare Staffing Front Desk", "agent_name": "Maya", "family": "healthcare",
     "phone": "+14045550198", "status": "live", "manual_approval": True, "threshold": 75,
     "positions": ["CNA", "Home Health Aide", "Caregiver"],
     "shifts": "Nights and weekends most needed", "pay": "$17-$24/hour depending on certification"},
    {"name": "Hospitality Weekend Line", "agent_name": "Leo", "family": "hospitality",
     "phone": "+16155550199", "status": "inactive", "manual_approval": False, "threshold": 65,
     "positions": ["Line Cook", "Housekeeper", "Banquet Server"],
     "shifts": "Weekends and events", "pay": "$15-$19/hour plus tips for banquet staff"},
)
