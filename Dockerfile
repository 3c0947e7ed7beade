# The portal's image: web (gunicorn), Celery worker and beat all run from it (docker-compose.yml).

# --- front-end assets from npm (the Design System and Chart.js; dev packages are test-only) ---
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# --- the application ------------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=digital_office.settings.production \
    MEDIA_ROOT=/app/var/media

# Pango and HarfBuzz for WeasyPrint's PDFs, with fonts to draw them.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system app && useradd --system --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --from=assets /app/node_modules ./node_modules
COPY . .

# Static files are collected into the image. Production settings refuse to load without a strong secret
# key, a database URL and Redis, so this one step gets throw-away values that exist only while it runs (a random
# key made here; nothing connects to the database or to Redis). tests/test_compose.py loads settings with them.
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
    REDIS_URL=redis://build-time-only.invalid:6379/0 \
    python manage.py collectstatic --noinput \
    && rm -f /tmp/collectstatic.sqlite3 \
    && mkdir -p /app/var/media \
    && chown -R app:app /app/var

USER app
EXPOSE 8000
ENTRYPOINT ["/app/bin/docker-entrypoint"]
# gthread workers (docker-compose.yml says why); compose's web service passes the same with its own numbers.
CMD ["gunicorn", "digital_office.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", \
     "--threads", "4", "--timeout", "60", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
