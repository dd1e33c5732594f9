"""Story clusters: syndicated copies of one story (a wire story in five papers) share a
cluster_id, so counts downstream count stories, not copies.

Near-duplicates are found with MinHash over word shingles of the text (titles differ between
outlets far more than bodies do), candidate pairs from LSH, and connected pairs joined into
clusters. A cluster keeps the id it already had; a new one takes the id of its earliest
document.
"""

from __future__ import annotations

import json
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
from datasketch import MinHash, MinHashLSH

from gaimon import warehouse

SHINGLE_WORDS = 4
NUM_PERM = 128
# Estimated Jaccard similarity of shingle sets above which two texts are one story. Copies
# with a different intro, a byline or a closing paragraph added stay well above it.
THRESHOLD = 0.5
# Texts shorter than this many words are too thin to call copies; titles decide for them.
MIN_WORDS = 25
WINDOW_DAYS = 30

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class ClusterDoc:
    doc_id: str
    title: str
    text: str
    cluster_id: str | None = None
    seen_at: datetime | None = None


def words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return _WORD.findall(folded)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    tokens = words(text)
    if len(tokens) < size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def _content(doc: ClusterDoc) -> str:
    """What is compared: the text, or the title when the text is too short to judge."""
    return doc.text if len(words(doc.text)) >= MIN_WORDS else doc.title


def near_duplicates(docs: list[ClusterDoc], threshold: float = THRESHOLD) -> list[tuple[str, str]]:
    """Pairs of doc_ids whose contents are near-duplicates."""
    sets = [shingles(_content(d)) for d in docs]
    hashes = MinHash.bulk(
        [[s.encode("utf-8") for s in shingle_set] for shingle_set in sets], num_perm=NUM_PERM
    )
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    pairs = []
    for doc, shingle_set, digest in zip(docs, sets, hashes, strict=True):
        if not shingle_set:
            continue
        for other in lsh.query(digest):
            pairs.append((other, doc.doc_id))
        lsh.insert(doc.doc_id, digest)
    by_id = dict(zip([d.doc_id for d in docs], hashes, strict=True))
    # LSH finds candidates; keep those whose estimated similarity really is above the line.
    return [(a, b) for a, b in pairs if by_id[a].jaccard(by_id[b]) >= threshold]


def assign_clusters(docs: list[ClusterDoc], threshold: float = THRESHOLD) -> dict[str, str]:
    """cluster_id for every document (its own doc_id when it has no copies).

    `docs` must be ordered oldest first: a new cluster is named after its earliest document,
    and a cluster that had an id keeps it.
    """
    parent = {d.doc_id: d.doc_id for d in docs}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    order = {d.doc_id: i for i, d in enumerate(docs)}
    for a, b in near_duplicates(docs, threshold):
        ra, rb = root(a), root(b)
        if ra != rb:
            first, second = sorted((ra, rb), key=order.__getitem__)
            parent[second] = first
    members: dict[str, list[ClusterDoc]] = {}
    for doc in docs:
        members.setdefault(root(doc.doc_id), []).append(doc)
    result = {}
    for group in members.values():
        kept = next((d.cluster_id for d in group if d.cluster_id), None)
        name = kept or group[0].doc_id
        result.update({d.doc_id: name for d in group})
    return result


def cluster_documents(con: duckdb.DuckDBPyConnection, window_days: int = WINDOW_DAYS) -> int:
    """Set documents.cluster_id for the documents of the recent window; returns how many
    documents changed cluster."""
    rows = warehouse.query(con, "queries/cluster_candidates", [window_days])
    docs = [
        ClusterDoc(r["doc_id"], r["title"] or "", r["text"] or "", r["cluster_id"], r["seen_at"])
        for r in rows
    ]
    if not docs:
        return 0
    assignment = assign_clusters(docs)
    current = {d.doc_id: d.cluster_id for d in docs}
    changed = [(doc_id, cid) for doc_id, cid in assignment.items() if current[doc_id] != cid]
    if not changed:
        return 0
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as fh:
        for doc_id, cid in changed:
            fh.write(json.dumps({"doc_id": doc_id, "cluster_id": cid}) + "\n")
        batch = Path(fh.name)
    try:
        con.execute(warehouse.sql("queries/cluster_load_assignment"), [str(batch)])
        con.execute(warehouse.sql("queries/cluster_assign"))
        con.execute(warehouse.sql("queries/cluster_drop_assignment"))
    finally:
        batch.unlink(missing_ok=True)
    return len(changed)
