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
# Text with at least one bad byte per this many bytes is in a legacy code page;
# rarer bad bytes are corruption.
_BYTES_PER_BAD_BYTE_FOR_CP1252 = 50_000
# Windows-1256 (Persian and Arabic) text is mostly bytes UTF-8 refuses, but two of
# them now and then make a valid UTF-8 character by chance: it is taken for
# Windows-1256 while under one in ten of its non-ASCII characters read as UTF-8.
_BAD_BYTES_PER_CHANCE_CHARACTER = 10
# ... and when at least this share of what Windows-1256 reads outside ASCII is
# Arabic-script letters in words of two or more: Spanish or German in
# Windows-1252 read so gives one Arabic letter inside Latin words ("canciٌn").
_ARABIC_SCRIPT_SHARE = 0.8
_ARABIC_SCRIPT_WORD = re.compile("[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]{2,}")
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
    is not UTF-8 is decoded with a warning as Windows-1256 when it reads as
    Persian or Arabic words that way, else as Windows-1252 when it has no UTF-8
    multi-byte sequence at all. Otherwise invalid bytes become U+FFFD, each
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


def _reads_as_arabic_script(text: str) -> bool:
    outside_ascii = sum(1 for character in text if not character.isascii())
    in_words = sum(len(word) for word in _ARABIC_SCRIPT_WORD.findall(text))
    return in_words >= _ARABIC_SCRIPT_SHARE * outside_ascii


def _decode_8bit(data: bytes, *, name: str) -> tuple[str, list[str]]:
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "surrogateescape")
    bad = list(_ESCAPED_BYTE.finditer(text))
    if len(bad) * _BYTES_PER_BAD_BYTE_FOR_CP1252 >= len(data):
        utf8_characters = len(_NON_ASCII_CHAR.findall(text))
        if utf8_characters * _BAD_BYTES_PER_CHANCE_CHARACTER < len(bad):
            arabic_script = data.decode("cp1256", "replace")
            if _reads_as_arabic_script(arabic_script):
                return arabic_script, [
                    f"{name}: not UTF-8; decoded as Windows-1256 (Arabic script)"
                ]
        if not utf8_characters:
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
