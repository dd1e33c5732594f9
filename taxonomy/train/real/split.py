"""Cut ai-risk-labelled.jsonl (beside the original, see SOURCE.md) into train.jsonl and dev.jsonl.

    python taxonomy/train/real/split.py /path/to/ai-risk-labelled.jsonl

Stratified by source dataset and main label (the item's rarest strict value, or none), with a
fixed seed, so the same input always gives the same split. dev.jsonl is never trained on.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

SEED = 10
DEV_SHARE = 0.25
HERE = Path(__file__).parent


def main(source: Path) -> None:
    rows = [json.loads(line) for line in source.open(encoding="utf-8") if line.strip()]
    counts = Counter(v for r in rows for v in r["values"])
    strata: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        main_label = min(row["values"], key=lambda v: (counts[v], v)) if row["values"] else "none"
        strata[(row["source_dataset"], main_label)].append(row)
    rng = random.Random(SEED)
    dev_ids: set[str] = set()
    for key in sorted(strata):
        group = sorted(strata[key], key=lambda r: r["id"])
        rng.shuffle(group)
        dev_ids.update(r["id"] for r in group[: round(len(group) * DEV_SHARE)])
    for name, keep in (("train", False), ("dev", True)):
        with open(HERE / f"{name}.jsonl", "w", encoding="utf-8") as fh:
            for row in rows:
                if (row["id"] in dev_ids) == keep:
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
