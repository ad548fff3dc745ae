#!/usr/bin/env python3
"""Generated-input fuzz of every query and mutation against a running service.

    pip install hypothesis-graphql==0.13.5
    python3 scripts/fuzz_graphql.py --url http://127.0.0.1:8080/graphql --token TOKEN \
        --schema schema.graphql [--examples 60]

hypothesis-graphql (the generator schemathesis uses for GraphQL) builds documents from
`schema.graphql`, valid ones and invalid ones, one root field at a time, with IDs drawn from
the ids that exist in the organisation (read first through the API) as well as random text.
Every answer must be below 500 and every error must carry `extensions.code`. Prints a line per
root field and exits 1 on the first answer that breaks this, with the document that caused it.
"""

import argparse
import json
import sys
import urllib.error
import urllib.request

import graphql
import hypothesis
import hypothesis.strategies as st
import hypothesis_graphql
from hypothesis_graphql import Mode

IDS_QUERY = """{
  people(first: 20) { nodes { id enrollments(first: 5) { nodes { id } } } }
  skills(first: 20) { nodes { id } }
  programs(first: 10) { nodes { id matches(first: 10) { nodes { id meetings { id } learnings { id } feedback { id } } }
    matchRequests(first: 5) { nodes { id } } } }
}"""


def post(url, token, document, variables=None):
    body = json.dumps({"query": document, "variables": variables or {}}).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json",
        "Accept": "application/graphql-response+json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def ids_in(value, found):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id" and isinstance(item, str):
                found.add(item)
            else:
                ids_in(item, found)
    elif isinstance(value, list):
        for item in value:
            ids_in(item, found)
    return found


def problem_with(status, body):
    """What is wrong with an answer, or None."""
    if status >= 500:
        return f"HTTP {status}"
    try:
        answer = json.loads(body)
    except ValueError:
        return f"HTTP {status} with a body that is not JSON"
    for error in answer.get("errors") or []:
        if not (error.get("extensions") or {}).get("code"):
            return f"an error without a code: {error.get('message', '')[:200]}"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--schema", default="schema.graphql")
    parser.add_argument("--examples", type=int, default=60, help="documents per root field and mode")
    args = parser.parse_args()
    sdl = open(args.schema).read()
    schema = graphql.build_schema(sdl)
    status, body = post(args.url, args.token, IDS_QUERY)
    real_ids = sorted(ids_in(json.loads(body).get("data") or {}, set()))
    print(f"{len(real_ids)} real ids to draw from")
    scalars = {
        "ID": (st.sampled_from(real_ids) if real_ids else st.nothing()) | st.text(max_size=40),
        "NaiveDate": st.dates().map(lambda day: graphql.language.StringValueNode(value=day.isoformat())),
        "DateTime": st.datetimes().map(lambda at: graphql.language.StringValueNode(value=at.isoformat() + "Z")),
        "JSON": st.just(graphql.language.NullValueNode()),
    }
    scalars["ID"] = scalars["ID"].map(lambda text: graphql.language.StringValueNode(value=text))
    roots = [("query", name) for name in schema.query_type.fields] + \
            [("mutation", name) for name in (schema.mutation_type.fields if schema.mutation_type else {})]
    failures = []
    for kind, field in roots:
        make = hypothesis_graphql.queries if kind == "query" else hypothesis_graphql.mutations
        sent = 0
        for mode in (Mode.POSITIVE, Mode.NEGATIVE):
            strategy = make(schema, fields=[field], custom_scalars=scalars, mode=mode, allow_x00=True)

            @hypothesis.settings(max_examples=args.examples, deadline=None, database=None,
                                 suppress_health_check=list(hypothesis.HealthCheck),
                                 phases=[hypothesis.Phase.generate])
            @hypothesis.given(strategy)
            def run(document):
                nonlocal sent
                sent += 1
                status, body = post(args.url, args.token, document)
                problem = problem_with(status, body)
                if problem:
                    failures.append((kind, field, problem, document))
                    raise AssertionError(problem)

            try:
                run()
            except AssertionError:
                break
            except Exception as error:  # a strategy that cannot be built for this field
                print(f"  {kind} {field}: generator gave up ({type(error).__name__})")
        print(f"{kind:8} {field:28} {sent:4} documents{'  <-- FAIL' if any(f[1] == field for f in failures) else ''}")
    for kind, field, problem, document in failures:
        print(f"\nFAIL {kind} {field}: {problem}\n{document[:2000]}")
    print("FAILED" if failures else "passed: no 5xx and every error has a code")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
