"""The small hierarchy of errors gxsearch raises; each carries a message a person can act on."""


class GxError(Exception):
    """Base of every error gxsearch raises on purpose."""


class BadQuery(GxError):
    """The query cannot be understood (unbalanced quote, lone operator, too long, ...)."""


class IndexMissing(GxError):
    """There is no index at the given directory."""


class IndexLocked(GxError):
    """Another indexer holds the lock on the index directory."""


class ReadError(GxError):
    """A report file cannot be read (binary, undecodable, empty, ...)."""


class NotFound(GxError):
    """A report or section id does not exist in the index."""


class IndexWriteError(GxError):
    """The index cannot be written (no space, read-only, permission); nothing was changed."""


class IndexDamaged(IndexMissing):
    """A file of the index fails its checks (truncated, broken header, values out of range)."""
