"""Settings for the test run: a throwaway home and inline Celery tasks.

Imported by pytest-django before any test module, so every path that settings derive
from DATASCORES_HOME points into a temporary folder, never a developer's real home.
"""

import os
import tempfile

os.environ["DATASCORES_HOME"] = tempfile.mkdtemp(prefix="datascores-test-")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

from datascores.settings import *  # noqa: F403
