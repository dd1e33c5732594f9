"""The one error type a user can act on.

Every stage raises `GaimonError` (or a subclass) for bad input or a state the user can fix,
with a message that names the source, item, file or setting at fault. The command line
prints that message on one line and exits 2, instead of a traceback.
"""

from __future__ import annotations


class GaimonError(Exception):
    """An error the user can fix; its message says what and where."""
