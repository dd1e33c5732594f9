"""The weekly signal digest for policymakers: per sector, in Dutch and English, by e-mail and PDF.

gather (warehouse -> DigestData) -> render (HTML, text, Markdown, PDF) -> archive
($GAIMON_HOME/digests/) -> review and approval -> send (SMTP, at most once per subscriber).
"""

from gaimon.digest.gather import gather
from gaimon.digest.workflow import (
    BuildReport,
    DigestError,
    approve_digest,
    build_digest,
    latest_week,
    write_digest,
)
from gaimon.weeks import check_week

__all__ = [
    "BuildReport",
    "DigestError",
    "approve_digest",
    "build_digest",
    "check_week",
    "gather",
    "latest_week",
    "write_digest",
]
