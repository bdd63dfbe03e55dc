"""The local Alaveteli site and an importer pointed at it, with every delay lifted."""

from __future__ import annotations

import pytest

from .alaveteli_site import AlaveteliSite, standard_site


@pytest.fixture
def site() -> AlaveteliSite:
    s = standard_site().start()
    yield s
    s.stop()


@pytest.fixture
def wdtk_settings(settings, site):
    settings.FETCHER_ALLOW_PRIVATE = True  # the site runs on 127.0.0.1
    settings.FETCHER_MIN_INTERVAL = 0.0
    settings.WDTK_DELAY = 0.0
    settings.WDTK_BASE_URL = site.base_url
    settings.WDTK_CONTACT = "foi-team@example.org"
    return settings


@pytest.fixture
def make_importer(wdtk_settings, site):
    """A fresh importer each call, as a new `import_wdtk` run would be."""
    from foi.importer import Client, Importer, make_fetcher

    def make(**kwargs):
        kwargs.setdefault("sleep", lambda s: None)
        client = Client(make_fetcher(), delay=0.0)
        return Importer(site=site.base_url, client=client, **kwargs)

    return make
