"""Drives civicbot's GeoReport v2 client (PyPI civicbot, used as it is) against the API on loopback.

Usage: civicbot_client.py BASE_URL API_KEY SCRIPT_JSON. SCRIPT_JSON is a list of steps:
  {"do": "services"} | {"do": "post", "service_code": ..., "fields": {...}}
  | {"do": "get", "id": ...} | {"do": "list", "ids": [...]}
Prints one JSON line: the answer of each step, or {"error": status, "body": ...} for a refused one.
"""
import json
import sys

from civicbot.http import HttpError, HttpTransport, RateLimiter
from civicbot.open311 import Open311Client
from civicbot.registry import Endpoint

base, api_key, script = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
endpoint = Endpoint(id="fengqiao", name="Fengqiao", base_url=base, write=True)
# The client's politeness delay between calls to one host, shortened for a local server.
client = Open311Client(endpoint, transport=HttpTransport(rate_limiter=RateLimiter(min_interval=0.0)))

answers = []
for step in script:
    try:
        if step["do"] == "services":
            answers.append(client.list_services())
        elif step["do"] == "post":
            prepared = client.create_request(
                step["service_code"], dry_run=False, confirm="SEND", api_key=api_key,
                validate_remote=True, **step["fields"])
            answers.append(prepared.response)
        elif step["do"] == "get":
            answers.append(client.get_request(step["id"]))
        elif step["do"] == "list":
            answers.append(client.list_requests(service_request_ids=step["ids"]))
    except HttpError as e:
        answers.append({"error": e.status, "body": e.body})
print(json.dumps(answers, ensure_ascii=False))
