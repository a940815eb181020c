# toezegging in a container: one image, two processes, each in a container of its own,
# sharing the data volume (SQLite in WAL mode on one host, or PostgreSQL by URL):
#
#   docker build -t toezegging .
#   docker volume create toezegging-data
#   docker run -d --name toezegging-feeds -p 8000:8000 -v toezegging-data:/data toezegging
#   docker run -d --name toezegging-scheduler -v toezegging-data:/data \
#       -e TOEZEGGING_SMTP_PASSWORD toezegging scheduler
#   docker run --rm -it -v toezegging-data:/data toezegging list     # any other command
#
# The config is read from /data/toezegging/toezegging.toml when it exists (defaults
# otherwise); the database is /data/toezegging/toezegging.db unless [database] url or
# TOEZEGGING_DATABASE_URL says otherwise. A bind mount instead of the named volume must
# be writable by uid 10001 (the image's user).
FROM python:3.11-slim AS build
# Build the wheel, as `pip install .`, pipx and tests/test_install.py get it: the card's
# data folders (calendars/, mail_templates/) are put inside the package by the build.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY toezegging ./toezegging
COPY calendars ./calendars
COPY mail_templates ./mail_templates
RUN pip install --no-cache-dir build && python -m build --wheel --outdir /dist .

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

COPY --from=build /dist /dist
# The install line tests/test_install.py runs against the wheel it builds (kept equal).
RUN pip install "$(ls /dist/toezegging-*.whl)[postgres]" && rm -rf /dist

RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin toezegging \
    && mkdir -p /data/toezegging \
    && chown -R toezegging:toezegging /data

# The user's config and data directories (platformdirs) both become /data/toezegging/:
# the config /data/toezegging/toezegging.toml, the database /data/toezegging/toezegging.db.
ENV HOME=/data \
    XDG_CONFIG_HOME=/data \
    XDG_DATA_HOME=/data

VOLUME ["/data"]
WORKDIR /data
USER toezegging
EXPOSE 8000

ENTRYPOINT ["toezegging"]
# The feed server by default; `scheduler` (or any other command) as the container's arguments.
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
