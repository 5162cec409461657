# Open Lima: one image for web (gunicorn), Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpq5 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt requirements-dev.txt requirements.lock* ./
# The hashed lock file (scripts/lock.sh) when it matches the requirements; else the pins.
RUN sum=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16) \
    && if [ -f requirements.lock ] && head -1 requirements.lock | grep -q "requirements-sha256: $sum"; \
       then pip install --require-hashes -r requirements.lock; \
       else pip install -r requirements.txt; fi

COPY . .
# Static files are collected into the image (whitenoise serves them); catalogues compiled.
RUN DJANGO_SETTINGS_MODULE=config.settings.base python manage.py collectstatic --noinput -v 0 \
    && python manage.py compilemessages -v 0 --ignore=.venv

RUN useradd --system --uid 1000 --home /app openlima \
    && mkdir -p /app/var \
    && chown -R openlima /app/var
USER openlima

ENV DJANGO_SETTINGS_MODULE=config.settings.production
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "config.wsgi"]
