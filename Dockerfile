# Multi-stage: build the wheel (with the migrations inside it), install it into a slim runtime that
# runs as an unprivileged user. The SQLite default lives in /data; set GOVERNANCE_DATABASE_URL for
# PostgreSQL and GOVERNANCE_JWT_SECRET (required outside development).
#
# One image, two processes (DOMAIN §6): the HTTP server (the default command) and the webhook and
# reminder worker, run as a second container of the same image with the command overridden:
#   docker run … IMAGE                              # serve (applies the migrations first)
#   docker run --no-healthcheck … IMAGE governance-api worker
# (compose: `command: ["governance-api", "worker"]` and `healthcheck: {disable: true}`; the worker
# serves no HTTP). Give both the same GOVERNANCE_DATABASE_URL, GOVERNANCE_JWT_SECRET and
# GOVERNANCE_DATA_KEY (the worker decrypts the signing secrets with it). On PostgreSQL run as many
# workers as needed, on several machines; on SQLite exactly one, sharing the /data volume. The worker
# stops cleanly on SIGTERM (docker stop) once the batch in hand is recorded. A single container may
# run both instead: `IMAGE governance-api serve --host 0.0.0.0 --port 8000 --with-worker`.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY migrations ./migrations
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 governance && mkdir /data && chown governance /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER governance
WORKDIR /home/governance
ENV GOVERNANCE_DATABASE_URL=sqlite:////data/governance.db \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["governance-api", "serve", "--host", "0.0.0.0", "--port", "8000"]
