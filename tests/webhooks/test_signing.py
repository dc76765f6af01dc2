"""The signature recipe a receiver follows (README): HMAC-SHA256 over `timestamp.body`."""

import hashlib
import hmac

from webhooks.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_headers, signature_valid

SECRET = "s3cret"
BODY = b'{"event":"response.completed"}'


def test_it_signs_the_timestamp_and_the_body_as_the_readme_says():
    headers = signature_headers(SECRET, BODY, now=1_700_000_000)

    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert headers == {TIMESTAMP_HEADER: "1700000000", SIGNATURE_HEADER: f"sha256={expected}"}


def test_a_receiver_accepts_the_signed_body():
    headers = signature_headers(SECRET, BODY)
    assert signature_valid(SECRET, BODY, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER])


def test_a_receiver_refuses_a_changed_body_a_wrong_secret_or_a_garbled_header():
    headers = signature_headers(SECRET, BODY)
    timestamp, signed = headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER]

    assert not signature_valid(SECRET, BODY + b" ", timestamp, signed)
    assert not signature_valid("other", BODY, timestamp, signed)
    assert not signature_valid(SECRET, BODY, str(int(timestamp) + 1), signed)
    assert not signature_valid(SECRET, BODY, "²", signed)


def test_a_receiver_refuses_an_old_delivery_replayed():
    headers = signature_headers(SECRET, BODY, now=1_700_000_000)
    assert not signature_valid(SECRET, BODY, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER],
                               now=1_700_000_000 + 301)
