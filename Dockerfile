# mipulse image: the Prefect worker of docker-compose.yml and the Beam SDK worker pool that
# runs next to each Flink TaskManager. Both need the project's code importable.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    MIPULSE_HOME=/opt/mipulse \
    PREFECT_SERVER_ANALYTICS_ENABLED=false \
    DO_NOT_TRACK=1

WORKDIR /opt/mipulse
COPY pyproject.toml README.md* ./
COPY pipelines ./pipelines
COPY flows ./flows
COPY lexicons ./lexicons
COPY sql ./sql
COPY prefect.yaml ./
RUN pip install ".[portable]" && useradd --create-home --uid 1000 mipulse && mkdir -p /data && chown mipulse /data
USER mipulse

# Default: a Prefect process worker on the 'mipulse' pool (docker-compose overrides it for the SDK pool).
CMD ["prefect", "worker", "start", "--pool", "mipulse", "--type", "process"]
