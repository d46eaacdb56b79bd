# syntax=docker/dockerfile:1
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY watcher ./watcher
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 WATCHER_CONFIG=/config/watcher.yaml
COPY --from=build /install /usr/local
RUN useradd --system --uid 10001 --home-dir /app --create-home watcher \
    && mkdir -p /app/data /config && chown -R watcher /app/data
WORKDIR /app
USER watcher
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["watcher", "healthcheck"]
STOPSIGNAL SIGTERM
CMD ["watcher", "run"]
