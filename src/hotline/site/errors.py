"""The one error a build step raises: what failed, and where its log is."""


class BuildError(RuntimeError):
    """A build step failed; the message says which and where its log is (shown to staff as is)."""
