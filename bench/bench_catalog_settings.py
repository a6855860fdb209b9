"""Settings for the catalogue HTTP bench: the demo settings, DEBUG off, with the cache switchable.

BENCH_CACHE=off gives Django's DummyCache, so nothing is ever cached (the honest "caches off" run);
BENCH_CACHE=on gives Redis at REDIS_URL (default redis://127.0.0.1:6379/9), as in production.
"""

import os

from lumbung.settings import *  # noqa: F403

DEBUG = False
if os.environ.get("BENCH_CACHE", "off") == "on":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9"),
        }
    }
    CATALOG_CACHE_SECONDS = 60  # category tree and typo corrections (lumbung.catalog.query)
else:
    CATALOG_CACHE_SECONDS = 0
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
