"""TOTP against RFC 6238's test vectors; drift and replay. No database."""

from datetime import UTC, datetime

from itcell.accounts import totp

RFC_KEY = b"12345678901234567890"


def test_rfc_6238_sha1_vector_at_59_seconds():
    assert totp.totp(RFC_KEY, 59, digits=8) == "94287082"
    assert totp.totp(RFC_KEY, 59) == "287082"


def test_rfc_6238_sha1_vectors_at_later_times():
    assert totp.totp(RFC_KEY, 1111111109, digits=8) == "07081804"
    assert totp.totp(RFC_KEY, 1234567890, digits=8) == "89005924"
    assert totp.totp(RFC_KEY, 20000000000, digits=8) == "65353130"


def test_rfc_6238_sha256_vector():
    key = b"12345678901234567890123456789012"
    assert totp.totp(key, 59, digits=8, digest="sha256") == "46119246"


def test_rfc_4226_hotp_vectors():
    expected = ["755224", "287082", "359152", "969429", "338314"]
    assert [totp.hotp(RFC_KEY, counter) for counter in range(5)] == expected


def test_a_code_from_one_step_either_side_is_accepted():
    at = 1_000_000_000.0
    step = totp.step_at(at)
    for drift in (-1, 0, 1):
        code = totp.hotp(RFC_KEY, step + drift)
        assert totp.matching_step(RFC_KEY, code, at=at, last_used_step=None) == step + drift


def test_a_code_two_steps_away_is_refused():
    at = 1_000_000_000.0
    step = totp.step_at(at)
    for drift in (-2, 2):
        code = totp.hotp(RFC_KEY, step + drift)
        assert totp.matching_step(RFC_KEY, code, at=at, last_used_step=None) is None


def test_a_used_step_and_any_earlier_one_are_refused():
    at = 1_000_000_000.0
    step = totp.step_at(at)
    code = totp.hotp(RFC_KEY, step)

    assert totp.matching_step(RFC_KEY, code, at=at, last_used_step=step) is None
    earlier = totp.hotp(RFC_KEY, step - 1)
    assert totp.matching_step(RFC_KEY, earlier, at=at, last_used_step=step) is None
    later = totp.hotp(RFC_KEY, step + 1)
    assert totp.matching_step(RFC_KEY, later, at=at, last_used_step=step) == step + 1


def test_codes_may_be_typed_with_spaces_but_not_letters_or_other_lengths():
    at = datetime(2020, 10, 26, tzinfo=UTC)
    code = totp.totp(RFC_KEY, at)
    assert totp.matching_step(RFC_KEY, f"{code[:3]} {code[3:]}", at=at, last_used_step=None)
    assert totp.matching_step(RFC_KEY, "abcdef", at=at, last_used_step=None) is None
    assert totp.matching_step(RFC_KEY, code[:5], at=at, last_used_step=None) is None
    assert totp.matching_step(RFC_KEY, "٢٨٧٠٨٢", at=59, last_used_step=None) is None


def test_a_new_secret_is_160_bits_of_base32_and_reads_back():
    secret = totp.new_secret()
    assert len(secret) == 32
    assert len(totp.secret_bytes(secret)) == 20
    assert totp.secret_bytes(totp.grouped(secret).lower()) == totp.secret_bytes(secret)
    assert totp.new_secret() != secret


def test_the_provisioning_uri_names_the_issuer_account_and_parameters():
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", account="asha kumari")
    assert uri == (
        "otpauth://totp/itcell:asha%20kumari?secret=JBSWY3DPEHPK3PXP&issuer=itcell"
        "&algorithm=SHA1&digits=6&period=30"
    )
