# The one image every Data Scores process runs from (web, workers, beat, migrations).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=datascores.settings \
    DATASCORES_HOME=/data \
    DATASCORES_PRODUCTION=1 \
    DJANGO_DEBUG=0

# No system packages: every format reader (pdfium, Tesseract inside the tesserocr wheel,
# the English tessdata, the legacy Word reader) comes from PyPI with the project.

WORKDIR /app

# Dependencies first, read from pyproject.toml alone, so a code change reuses this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt

# Then the project, editable so that templates/ and static/ beside the packages are found.
COPY . .
RUN pip install --no-deps -e . \
 && useradd --create-home --uid 10001 datascores \
 && mkdir -p /data \
 && chown datascores:datascores /data

USER datascores
VOLUME ["/data"]
EXPOSE 8000
CMD ["gunicorn", "datascores.wsgi:application", "--bind=0.0.0.0:8000", "--workers=3"]
