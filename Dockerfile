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
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
# Static files are collected into the image (whitenoise serves them); catalogues compiled.
RUN DJANGO_SETTINGS_MODULE=openlima.settings.base python manage.py collectstatic --noinput -v 0 \
    && python manage.py compilemessages -v 0 --ignore=.venv

RUN useradd --system --uid 1000 --home /app openlima \
    && mkdir -p /app/var \
    && chown -R openlima /app/var
USER openlima

ENV DJANGO_SETTINGS_MODULE=openlima.settings.production
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "openlima.wsgi"]
