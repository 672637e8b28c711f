"""解纷码: 16 characters of RFC 4648's base32 alphabet, each carrying 5 random bits, uniform."""

import re
from collections import Counter

from governance_api.disputes.intake import new_tracking_code, new_tracking_codes

CODE = re.compile(r"[A-Z2-7]{16}")


def test_a_code_is_sixteen_base32_characters() -> None:
    assert CODE.fullmatch(new_tracking_code())
    codes = new_tracking_codes(500)
    assert len(codes) == 500 and all(CODE.fullmatch(c) for c in codes)
    assert len(set(codes)) == 500
    assert new_tracking_codes(0) == []


def test_every_character_is_equally_likely() -> None:
    """20 000 codes are 320 000 characters: 10 000 of each of the 32 expected, with a standard
    deviation of about 98, so ±600 is six of them. A mapping whose alphabet does not divide 256
    (some characters 9 chances in 256, others 8) would put some counts 1 250 apart."""
    counts = Counter("".join(new_tracking_codes(20_000)))
    assert set(counts) == set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert all(9_400 <= n <= 10_600 for n in counts.values()), counts
