# `migrate` (used by the test runner too) is the registry-aware migrate_schemas.
from .migrate_schemas import Command  # noqa: F401
