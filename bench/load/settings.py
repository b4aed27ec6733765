"""Production settings for the load benchmark: ``joinedup.settings`` with one trivial view added.

Both runs (the journeys and the trivial view) are served with this module, so the middleware, database and
everything else are the same and only the view differs.
"""

import os

from joinedup.settings import *  # noqa: F403 - the product's settings, unchanged but for the lines below
from joinedup.settings import DATABASES

ROOT_URLCONF = "bench.load.urls"

# gunicorn is reached over plain HTTP on 127.0.0.1; in a deployment a proxy in front of it terminates TLS. Cookies
# marked Secure would not be sent back over plain HTTP, so the benchmark's client could not keep a session.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# ``bench_load --conn-max-age N``: keep database connections for N seconds instead of the product's setting.
if "LOADBENCH_CONN_MAX_AGE" in os.environ:
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ["LOADBENCH_CONN_MAX_AGE"])
