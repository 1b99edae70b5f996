"""Errors for files that cannot be read at all; row-level problems are warnings in the output."""

from __future__ import annotations


class ExtractorError(Exception):
    """Base class: a file could not be turned into a dataset; the message says what to do next."""


class InputNotFoundError(ExtractorError):
    """The input path does not exist or is not a regular file."""


class UnreadableInputError(ExtractorError):
    """The input file could not be opened or decoded."""


class NotAPacketError(ExtractorError):
    """The input decodes but is not a committee packet."""


class MalformedPacketError(ExtractorError):
    """The input is a packet, but its rows do not fit its tables or its headers are unknown."""


class InputTooLargeError(ExtractorError):
    """The input exceeds a configured size or page limit."""


class OutputError(ExtractorError):
    """The output file could not be written."""


class DatasetError(ExtractorError):
    """A JSON file given to diff, export or report is not a dataset this tool wrote."""


class OverridesError(ExtractorError):
    """The links file (links.toml) cannot be read, or names activities it should not."""


class CrosswalkError(ExtractorError):
    """A crosswalk of years is unreadable or does not match the datasets it is used with."""
