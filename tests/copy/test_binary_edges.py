"""Where text ends and binary data begins: a NUL anywhere, even first; more than one control
byte in ten, and not exactly one in ten."""

import pytest

from dateline.copy import CopyError
from dateline.copy.encoding import check_not_binary


def text_with_controls(controls: int, length: int) -> bytes:
    return b"\x01" * controls + b"a" * (length - controls)


def test_a_nul_as_the_very_first_byte_is_binary():
    with pytest.raises(CopyError, match="NUL byte at offset 0"):
        check_not_binary(b"\0Headline\n\nLead.", name="wire.txt")


@pytest.mark.parametrize(("controls", "length"), [(10, 100), (10, 105), (1, 10)])
def test_one_control_byte_in_ten_or_fewer_is_still_text(controls, length):
    check_not_binary(text_with_controls(controls, length), name="wire.txt")


@pytest.mark.parametrize(("controls", "length"), [(11, 100), (2, 19)])
def test_more_than_one_control_byte_in_ten_is_binary(controls, length):
    with pytest.raises(CopyError, match=f"{controls} control bytes in the first {length}"):
        check_not_binary(text_with_controls(controls, length), name="wire.txt")
