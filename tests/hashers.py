"""A password hasher for the unit tests: Django's PBKDF2 with few iterations.

Its hashes say ``pbkdf2_sha256$1000$...``; Django's own PBKDF2 hasher reads the iteration count from the hash, so
it can check them, but re-hashes them at sign-in: integration tests (live servers) keep the default hasher."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1000
