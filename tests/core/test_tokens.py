"""Tokens in links are stored as their hash (core.tokens): invitation and resume links
alike."""

import hashlib

from core.tokens import hash_token


def test_it_stores_a_token_as_its_sha256_in_hex():
    assert hash_token("abc") == hashlib.sha256(b"abc").hexdigest()
    assert len(hash_token("x" * 43)) == 64


def test_it_gives_different_tokens_different_hashes():
    assert hash_token("a" * 43) != hash_token("a" * 42 + "b")
