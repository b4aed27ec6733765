"""The load benchmark: practitioner journeys against the app served by gunicorn on PostgreSQL (``bench.bench_load``).

``settings`` and ``urls`` add one trivial view beside the product's URLs, served with the same settings and
middleware, so the two runs differ only in the view; ``locustfile`` is the scenario.
"""
