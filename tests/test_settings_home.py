from django.conf import settings


def test_tests_run_in_a_throwaway_home():
    assert "datascores-test-" in str(settings.HOME)
    assert str(settings.BLOB_ROOT).startswith(str(settings.HOME))
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
