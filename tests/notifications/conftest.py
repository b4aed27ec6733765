"""The joint-working fixture serves these tests too."""

from tests.joint.conftest import joint

__all__ = ["joint"]
