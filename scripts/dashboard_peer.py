#!/usr/bin/env python3
"""The dashboard peer's data in the service, and the check that both answer the same document.

Used by scripts/bench-dashboard.sh. The rows follow the formulas of
../shared/tools/dashboard-peer/schema.sql (1 org, 2,000 people, 300 skills, 12,000 person
skills, 1 program, 500 relationships, 3,000 meetings), loaded through the service's own API:
upsertPeople, createSkill, setPersonSkills, createProgram/startProgram and one history import
(POST /imports/programs/{id}/history) for the relationships and their meetings.

  dashboard_peer.py load URL TOKEN          -> prints the program's global id
  dashboard_peer.py bodies URL TOKEN PROGRAM DIR
      -> DIR/one.json (one request of 500) and DIR/page-1.json ... (the pages of 100 a client walks,
         each with the cursor the previous page answered); prints the number of pages
  dashboard_peer.py check SERVICE.json RAW.json

Where the two schemas differ, the check compares what a dashboard shows: the peer's PROPOSED
matches carry meetings, which a proposal cannot have in the service, so they are loaded as ACTIVE
relationships; a history import records meetings by day (at noon), so meetings compare by day and
minutes; imported relationships are not scored, so the score is not compared.
"""
import json
import sys
import urllib.request
from datetime import date, datetime, timedelta

PEOPLE, SKILLS, MATCHES, MEETINGS_PER_MATCH = 2000, 300, 500, 6
DEPARTMENTS = ["Engineering", "Sales", "Marketing", "Finance", "HR", "Legal", "Support", "Operations"]
GENERATIONS = ["BABY_BOOMER", "GEN_X", "MILLENNIAL", "GEN_Z"]  # Boomer, GenX, Millennial, GenZ
# The peer's ten categories in the service's catalogue categories (categories are not compared).
CATEGORIES = ["TECHNOLOGY", "LEADERSHIP", "COMMUNICATION", "INDUSTRY", "DIGITAL_TOOLS",
              "TECHNOLOGY", "OTHER", "BUSINESS", "CULTURE_AND_INCLUSION", "BUSINESS"]
PEER_STATUS = ["PROPOSED", "ACTIVE", "COMPLETED"]

QUERY = """query Dashboard($programId: ID!, $first: Int, $after: String) {
  program(id: $programId) {
    id
    name
    status
    matches(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        status
        score
        mentor { ...PersonCard }
        mentee { ...PersonCard }
        meetings { heldAt minutes }
      }
    }
  }
}

fragment PersonCard on Person {
  id
  name
  department
  skills { relation level skill { name } }
}
"""


def post(url, token, path, body):
    request = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        sys.exit(f"{path}: HTTP {error.code}: {error.read()[:2000].decode()}")


def gql(url, token, query, variables=None):
    answer = post(url, token, "/graphql", {"query": query, "variables": variables or {}})
    if answer.get("errors"):
        sys.exit(f"GraphQL errors: {json.dumps(answer['errors'])[:2000]}")
    return answer["data"]


def employee(i):
    return "E%05d" % i


def load(url, token):
    people = [{"employeeId": employee(i), "name": f"Person {i}", "department": DEPARTMENTS[i % 8],
               "level": 1 + i % 7, "generation": GENERATIONS[(i * 7) % 4]} for i in range(1, PEOPLE + 1)]
    person_ids = {}
    for start in range(0, PEOPLE, 1000):
        data = gql(url, token, "mutation($p: [PersonInput!]!) { upsertPeople(people: $p) { people { id employeeId } } }",
                   {"p": people[start:start + 1000]})
        person_ids.update({p["employeeId"]: p["id"] for p in data["upsertPeople"]["people"]})

    skill_ids = {}
    for start in range(1, SKILLS + 1, 10):  # at most 10 mutations per request
        fields = " ".join(
            f's{i}: createSkill(input: {{name: "Skill {i}", category: {CATEGORIES[i % 10]}}}) {{ id }}'
            for i in range(start, min(start + 10, SKILLS + 1)))
        data = gql(url, token, "mutation { " + fields + " }")
        skill_ids.update({int(alias[1:]): skill["id"] for alias, skill in data.items()})

    # 6 skills per person: offsets k*53 mod 300 are distinct, 3 OFFERS then 3 WANTS.
    entries = [{"personId": person_ids[employee(p)], "skillId": skill_ids[1 + (p * 37 + k * 53) % SKILLS],
                "relation": "OFFERS" if k < 3 else "WANTS", "level": 1 + (p + k) % 5}
               for p in range(1, PEOPLE + 1) for k in range(6)]
    for start in range(0, len(entries), 1000):
        gql(url, token, "mutation($s: [PersonSkillInput!]!) { setPersonSkills(skills: $s) { created } }",
            {"s": entries[start:start + 1000]})

    program = gql(url, token, """mutation { createProgram(input: {name: "Reverse Mentoring 2025",
        startsOn: "2025-01-01", endsOn: "2027-12-31", relationshipMonths: 12}) { id } }""")["createProgram"]["id"]
    gql(url, token, "mutation($id: ID!) { openProgramEnrollment(id: $id) { status } }", {"id": program})
    gql(url, token, "mutation($id: ID!) { startProgram(id: $id) { status } }", {"id": program})

    first_meeting = date(2025, 1, 6)
    relationships = []
    for m in range(1, MATCHES + 1):
        relationship = {"mentor": employee(m), "mentee": employee(1000 + m), "startedOn": "2025-01-01",
                        "meetings": [{"heldOn": (first_meeting + timedelta(days=(j - 1) * 14 + m % 5)).isoformat(),
                                      "minutes": 30 + ((m + j) % 4) * 15} for j in range(1, MEETINGS_PER_MATCH + 1)]}
        if PEER_STATUS[m % 3] == "COMPLETED":
            relationship.update(endedOn="2025-06-30", ending="COMPLETED")
        relationships.append(relationship)
    report = post(url, token, f"/imports/programs/{program}/history", {"relationships": relationships})
    if report.get("meetings") != MATCHES * MEETINGS_PER_MATCH:
        sys.exit(f"history import: {json.dumps(report)[:2000]}")
    print(program)


def body(program, first, after=None):
    return {"operationName": "Dashboard", "query": QUERY,
            "variables": {"programId": program, "first": first, "after": after}}


def bodies(url, token, program, directory):
    with open(f"{directory}/one.json", "w") as out:
        json.dump(body(program, MATCHES), out)
    after, n = None, 0
    while True:
        n += 1
        with open(f"{directory}/page-{n}.json", "w") as out:
            json.dump(body(program, 100, after), out)
        page = gql(url, token, QUERY, body(program, 100, after)["variables"])["program"]["matches"]["pageInfo"]
        if not page["hasNextPage"]:
            break
        after = page["endCursor"]
    print(n)


def card_of_service(person):
    skills = sorted((s["relation"], s["level"], s["skill"]["name"]) for s in person["skills"])
    return person["name"], person["department"], skills


def card_of_peer(person):
    skills = sorted((s["kind"], s["level"], s["skill"]["name"]) for s in person["skills"]["nodes"])
    return person["name"], person["department"], skills


def check(service_file, raw_file):
    service = json.load(open(service_file))
    if service.get("errors"):
        sys.exit(f"check FAILED: the service answered errors: {json.dumps(service['errors'])[:1000]}")
    program = service["data"]["program"]
    peer = json.load(open(raw_file))["data"]["programByRowId"]
    ours = sorted((m["mentor"]["name"], m["mentee"]["name"], m["status"], card_of_service(m["mentor"]),
                   card_of_service(m["mentee"]),
                   sorted((datetime.fromisoformat(x["heldAt"].replace("Z", "+00:00")).date().isoformat(), x["minutes"])
                          for x in m["meetings"]))
                  for m in program["matches"]["nodes"])
    theirs = sorted((m["mentor"]["name"], m["mentee"]["name"], "ACTIVE" if m["status"] == "PROPOSED" else m["status"],
                     card_of_peer(m["mentor"]), card_of_peer(m["mentee"]),
                     sorted((x["heldAt"][:10], x["minutes"]) for x in m["meetings"]["nodes"]))
                    for m in peer["matchesByProgramId"]["nodes"])
    skills = sum(len(m[3][2]) + len(m[4][2]) for m in ours)
    meetings = sum(len(m[5]) for m in ours)
    same = ours == theirs and (program["name"], program["status"]) == (peer["name"], peer["status"])
    print(f"check: {len(ours)} matches, {skills} person skills, {meetings} meetings; "
          f"same dashboard as raw.sql: {same}")
    if not same or len(ours) != MATCHES:
        sys.exit("check FAILED")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"load": load, "bodies": bodies, "check": check}[command](*args)
