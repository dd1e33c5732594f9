"""Load: read staged JSONL into the warehouse, once per item, and group syndicated copies into stories."""
