# The screened school with its list, shared with the identification tests: enrolment starts from it.
from tests.identification.conftest import screening  # noqa: F401
