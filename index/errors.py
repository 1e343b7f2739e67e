"""Typed errors raised by library code; only the CLI and UI turn them into messages."""


class AssistantError(Exception):
    """Base class for every error this product raises on purpose."""


class DocumentError(AssistantError):
    """A document could not be read or parsed (empty, binary, not UTF-8, no paragraphs)."""


class StoreError(AssistantError):
    """The index store is missing, unreadable or of the wrong kind."""


class QueryError(AssistantError):
    """A query is empty or otherwise unusable."""


class QueryTooLong(QueryError):
    """A question or an earlier turn is over the limit (the page says so in both languages)."""

    def __init__(self, message: str, length: int, limit: int):
        super().__init__(message)
        self.length, self.limit = length, limit


class ConfigError(AssistantError):
    """A setting or argument has an invalid value."""


class EvalError(AssistantError):
    """A QA file is malformed (the message names the line)."""


class NotFoundError(AssistantError):
    """A cited document or paragraph is not in the index; ``nearest`` lists valid ones."""

    def __init__(self, message: str, nearest: list | None = None):
        super().__init__(message)
        self.nearest = nearest or []


class ModelError(AssistantError):
    """A language model is missing, corrupt, failed or timed out."""
