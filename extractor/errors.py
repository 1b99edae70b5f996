"""Errors for files that cannot be read at all; row-level problems are warnings in the output.

An error carries a code (its kind) and its message as data (an English template and its
arguments); it is put into words in the reader's language where it is shown, like a
warning. `str(error)` is the English sentence.
"""

from __future__ import annotations

from extractor.i18n import N_, Language, Message


class ExtractorError(Exception):
    """Base class: a file could not be turned into a dataset; the message says what to do next."""

    code = "error"

    def __init__(self, message: str | Message, /, **args: object) -> None:
        self.message = message if isinstance(message, Message) else Message(message, **args)
        super().__init__(str(self.message))

    def render(self, language: Language) -> str:
        """Given a language, return the message in it."""
        return self.message.render(language)


class UsageError(ExtractorError):
    """The command was asked for something it cannot do as given (exit code 2)."""

    code = "usage"


class InputNotFoundError(ExtractorError):
    """The input path does not exist or is not a regular file."""

    code = "input_not_found"


class UnreadableInputError(ExtractorError):
    """The input file could not be opened or decoded."""

    code = "unreadable_input"


class NotAPacketError(ExtractorError):
    """The input decodes but is not a committee packet."""

    code = "not_a_packet"

    @classmethod
    def no_header_row(cls, path: object, extent: Message) -> NotAPacketError:
        """The error for a file with no table header row in its extent (its pages, sheets
        or lines)."""
        return cls(
            N_(
                "{path}: not a committee packet: no header row with an activity-name column in "
                "{extent}; is this the "
                "right file?"
            ),
            path=path,
            extent=extent,
        )


class MalformedPacketError(ExtractorError):
    """The input is a packet, but its rows do not fit its tables or its headers are unknown."""

    code = "malformed_packet"


class InputTooLargeError(ExtractorError):
    """The input exceeds a configured size, page or time limit."""

    code = "input_too_large"


class OutputError(ExtractorError):
    """The output file could not be written."""

    code = "output_error"


class DatasetError(ExtractorError):
    """A JSON file given to diff, export or report is not a dataset this tool wrote."""

    code = "not_a_dataset"


class OverridesError(ExtractorError):
    """The links file (links.toml) cannot be read, or names activities it should not."""

    code = "bad_links_file"


class CrosswalkError(ExtractorError):
    """A crosswalk of years is unreadable or does not match the datasets it is used with."""

    code = "bad_crosswalk"
