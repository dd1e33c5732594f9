"""Load: read staged JSONL into the warehouse, once per item; group syndicated copies into
stories."""
