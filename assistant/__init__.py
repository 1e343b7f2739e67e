"""A question-answering assistant over UN disarmament documents."""

__version__ = "0.1.0"
