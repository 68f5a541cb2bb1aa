"""Every model change has its migration, and no app has two migration leaves (parallel branches collide)."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    # --check exits non-zero when a model change has no migration, and errors on conflicting leaves
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
