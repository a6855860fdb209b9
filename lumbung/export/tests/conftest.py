import pytest


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    """Uploads go to a throw-away directory, never into var/."""
    settings.LUMBUNG_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = tmp_path / "media"
