"""Argon2 at the lowest cost, for test accounts: production's cost (about 0.2 s a hash here)
times hundreds of test accounts would be minutes of CI spent on hashing. Checking a password
reads the cost from its hash, so login code runs unchanged. The cost itself is pinned in
tests/sigbot/domain/test_accounts.py, which hashes at the real one."""

from argon2 import PasswordHasher

CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
