"""Settings for the test suite: production-like (DEBUG off) but fast and hermetic."""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-only-" + "k" * 40)
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from joinedup.settings import *  # noqa: F403
from joinedup.settings import STORAGES

# Fast hashing in tests; Argon2 itself is tested in tests/accounts.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.Argon2PasswordHasher"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
JOINEDUP_AUTO_CONFIRM_FEWEST = 1  # the sharing tests match lists of a dozen children; one test sets 50
DIRECTORY_IMPORT_ALLOW_PRIVATE_URLS = True  # the tests serve feeds from 127.0.0.1
JOINEDUP_SSO_ALLOW_HTTP = True  # the single sign-on tests run an OpenID Connect service on http://127.0.0.1
