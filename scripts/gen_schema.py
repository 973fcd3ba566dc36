"""Write criteria/schema.json from the pydantic model (run after changing scorer/model/criteria.py)."""

from __future__ import annotations

import json
from pathlib import Path

from scorer.model.criteria import criteria_json_schema

TARGET = Path(__file__).resolve().parent.parent / "criteria" / "schema.json"


def render() -> str:
    return json.dumps(criteria_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")
