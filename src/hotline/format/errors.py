"""The two ways a text of the format's tiny languages (the score rule, a sentence template) fails:
staff wrote something that cannot be read, or the calling code gave no value for a name."""

from __future__ import annotations


class UnreadableText(ValueError):
    """A rule or template that cannot be read: ``message`` says in Chinese what is wrong and what is
    allowed; ``position`` is the 1-based character it is about (one past the end for something
    missing at the end), or None when it is about the whole text."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message, position)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return self.message


class MissingName(KeyError):
    """A name the text uses was given no value: a mistake of the calling code, named."""

    def __init__(self, name: str, message: str):
        super().__init__(name, message)
        self.name = name
        self.message = message

    def __str__(self) -> str:
        return self.message
