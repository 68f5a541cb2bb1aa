"""The production profile: ``DJANGO_SETTINGS_MODULE=sellersync.settings_production``.

The same settings as ``sellersync.settings`` with ``SELLERSYNC_PROFILE=production``: SECRET_KEY, ALLOWED_HOSTS
and the Fernet keys (SELLERSYNC_FERNET_KEYS, or an existing SELLERSYNC_FERNET_KEY_FILE) must come from the
environment (nothing is generated), DEBUG is off, and HTTPS is enforced behind the TLS proxy (SSL redirect,
HSTS, secure cookies): ``sellersync check --deploy`` reports no issue. See docs/production.md.
"""

import os

os.environ["SELLERSYNC_PROFILE"] = "production"

from sellersync.settings import *  # noqa: E402, F403
