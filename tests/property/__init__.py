"""Property tests (hypothesis): parsers and codecs hold for any input, not only our examples."""

from hypothesis import HealthCheck, settings

# Fast and repeatable: a fixed seed keeps the suite stable; no example database in the tree.
FAST = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
