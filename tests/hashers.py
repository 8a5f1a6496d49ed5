"""A password hasher for the tests: Django's PBKDF2 with few iterations.

Its hashes say ``pbkdf2_sha256$1000$...``, and Django's own PBKDF2 hasher reads the iteration count from the hash,
so a live server running the production settings still checks passwords the tests set."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1000
