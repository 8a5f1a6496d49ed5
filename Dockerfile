# Keel image: web (gunicorn), Celery workers and beat all run from it.
FROM python:3.11.7-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH="/opt/venv/bin:$PATH" \
    KEEL_DATA_DIR=/var/lib/keel \
    ARTIFACT_ROOT=/var/lib/keel/artifacts

RUN pip install --no-cache-dir "uv==0.13.9" \
    && groupadd --system --gid 999 keel && useradd --system --uid 999 --gid keel --home /app keel \
    && mkdir -p /var/lib/keel/artifacts && chown -R keel:keel /var/lib/keel

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --extra cluster --no-install-project
COPY --chown=keel:keel . .
RUN DJANGO_SECRET_KEY=collectstatic-only KEEL_AUDIT_SIGNING_KEY=collectstatic-only python manage.py collectstatic --noinput --verbosity 0

USER keel
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
