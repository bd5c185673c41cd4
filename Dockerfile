FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# WeasyPrint (PDF certificates) needs Pango, HarfBuzz's subsetter and a font.
RUN apt-get update && apt-get install -y --no-install-recommends \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY . .
RUN pip install --no-cache-dir . \
    && DEBUG=true STATICFILES_STORAGE=whitenoise.storage.CompressedManifestStaticFilesStorage \
       python manage.py collectstatic --noinput \
    && useradd --create-home portal && mkdir -p /app/media && chown portal /app/media
USER portal
EXPOSE 8000
# --no-control-socket: gunicorn >= 25 would otherwise open a control socket in $HOME.
CMD ["gunicorn", "kloormokers.wsgi", "--bind", "0.0.0.0:8000", "--no-control-socket"]
