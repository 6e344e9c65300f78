"""What the GUI shows beside a running server: a test form from the schema, curl and Python snippets.

    fields = form_fields(schema)        # one per input column: name, kind, choices, nullable, default
    curl_snippet(url, row, token)       # copyable, uses the row the form holds
    python_snippet(url, row, token)     # standard library only
The token, when there is one, is shown as $MLWIRE_TOKEN, never as its value.
"""
from __future__ import annotations

import json
import shlex
from dataclasses import dataclass

from .app import example_row

__all__ = ["FormField", "form_fields", "example_row", "curl_snippet", "python_snippet"]


@dataclass(frozen=True)
class FormField:
    name: str
    kind: str                   # integer | number | boolean | text
    dtype: str
    nullable: bool
    choices: tuple | None       # the categories the model knows (a combo box), else None
    default: object


def form_fields(schema: dict) -> list[FormField]:
    row = example_row(schema)
    return [FormField(c["name"], c["kind"], c["dtype"], bool(c.get("nullable")),
                      tuple(c["categories"]) if c.get("categories") else None, row[c["name"]])
            for c in schema["columns"]]


def _body(row: dict) -> str:
    return json.dumps({"rows": [row]}, ensure_ascii=False)


def curl_snippet(url: str, row: dict, token: str | None = None) -> str:
    auth = ' \\\n  -H "Authorization: Bearer $MLWIRE_TOKEN"' if token else ""
    return (f"curl -s {shlex.quote(url.rstrip('/') + '/predict')} \\\n"
            f"  -H 'Content-Type: application/json'{auth} \\\n"
            f"  -d {shlex.quote(_body(row))}")


def python_snippet(url: str, row: dict, token: str | None = None) -> str:
    headers = '{"Content-Type": "application/json"'
    headers += ', "Authorization": "Bearer " + os.environ["MLWIRE_TOKEN"]}' if token else "}"
    return (
        "import json, os, urllib.request\n\n"
        f"rows = {json.dumps([row], ensure_ascii=False)}\n"
        f"request = urllib.request.Request({(url.rstrip('/') + '/predict')!r},\n"
        "    data=json.dumps({\"rows\": rows}).encode(),\n"
        f"    headers={headers}, method=\"POST\")\n"
        "with urllib.request.urlopen(request) as response:\n"
        "    print(json.load(response))\n")
