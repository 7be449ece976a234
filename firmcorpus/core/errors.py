"""The one exception type for a user's mistake (a missing file, a bad option, a refused rerun).

Library functions raise ``UserError`` with a message that says what to do; the CLI prints that
message as one line and exits 2, never a traceback.
"""


class UserError(Exception):
    """A mistake in what the user gave; the message says what to do instead."""
