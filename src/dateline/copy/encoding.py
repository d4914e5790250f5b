"""Turn the bytes of a wire file into clean text, or refuse them as binary.

Clean text has no byte-order mark, ``\\n`` line ends only, and no control
characters other than ``\\n`` and ``\\t``.
"""

import codecs
import re

from dateline.copy.errors import CopyError

_SNIFF_BYTES = 8192
_BINARY_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
)
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Run after line ends are normalised, so \r is gone; C1 controls and stray
# byte-order marks are dropped too.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff]")
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_NON_ASCII_CHAR = re.compile("[^\x00-\x7f\udc80-\udcff]")
# Text with no valid UTF-8 multi-byte sequence and at least one bad byte per
# this many bytes is taken as Windows-1252; rarer bad bytes are corruption.
_BYTES_PER_BAD_BYTE_FOR_CP1252 = 50_000
_MAX_REPORTED_BAD_BYTES = 5


def check_not_binary(data: bytes, *, name: str) -> None:
    """Raise :class:`CopyError` when the start of ``data`` looks like binary data.

    Binary means a known binary file signature, a NUL byte, or more than one
    byte in ten being a control byte, within the first 8 KiB.
    """
    head = data[:_SNIFF_BYTES]
    for magic, kind in _BINARY_MAGIC:
        if head.startswith(magic):
            raise CopyError(f"{name}: binary data, not text ({kind})")
    nul = head.find(b"\0")
    if nul >= 0:
        raise CopyError(f"{name}: binary data, not text (NUL byte at offset {nul})")
    controls = len(_CONTROL_BYTES.findall(head))
    if controls * 10 > len(head):
        raise CopyError(
            f"{name}: binary data, not text ({controls} control bytes in the first {len(head)})"
        )


def decode(data: bytes, *, name: str) -> tuple[str, list[str]]:
    """Decode wire-file bytes to clean text; return ``(text, warnings)``.

    UTF-8 (with or without BOM) and UTF-16 with BOM decode silently. Text that
    is not UTF-8 and has no UTF-8 multi-byte sequence at all is decoded as
    Windows-1252 with a warning. Otherwise invalid bytes become U+FFFD, each
    reported (up to five) with its byte offset. Binary data raises
    :class:`CopyError`.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, warnings = data.decode("utf-16"), []
        except UnicodeDecodeError as error:
            raise CopyError(
                f"{name}: starts with a UTF-16 byte-order mark but is not valid UTF-16 "
                f"(offset {error.start})"
            ) from None
    else:
        check_not_binary(data, name=name)
        text, warnings = _decode_8bit(data, name=name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARS.sub("", text), warnings


def _decode_8bit(data: bytes, *, name: str) -> tuple[str, list[str]]:
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "surrogateescape")
    bad = list(_ESCAPED_BYTE.finditer(text))
    if not _NON_ASCII_CHAR.search(text) and len(bad) * _BYTES_PER_BAD_BYTE_FOR_CP1252 >= len(data):
        return data.decode("cp1252", "replace"), [f"{name}: not UTF-8; decoded as Windows-1252"]
    warnings = []
    for match in bad[:_MAX_REPORTED_BAD_BYTES]:
        offset = len(text[: match.start()].encode("utf-8", "surrogateescape"))
        byte = ord(match.group()) - 0xDC00
        warnings.append(
            f"{name}: byte 0x{byte:02X} at offset {offset} is not valid UTF-8; replaced"
        )
    if len(bad) > _MAX_REPORTED_BAD_BYTES:
        warnings.append(
            f"{name}: {len(bad) - _MAX_REPORTED_BAD_BYTES} more bytes that are not valid "
            "UTF-8 replaced"
        )
    return _ESCAPED_BYTE.sub("\ufffd", text), warnings
