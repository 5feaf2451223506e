# syntax=docker/dockerfile:1
#
# searchd: build a static binary, run it as a non-root user on debian-slim.
# debian-slim rather than distroless so that HEALTHCHECK can use curl
# (distroless/static has no shell and no HTTP client).
#
# The image runs in production mode: it refuses to start without an admin
# and a write token (each at least 16 bytes; see deploy/README.md).
#
#   docker build -t searchd .
#   docker run -p 8080:8080 -e SEARCHD_ADMIN_TOKEN=$(openssl rand -hex 32) \
#       -e SEARCHD_WRITE_TOKEN=$(openssl rand -hex 32) searchd   # embedded engine, demo data
#   docker run -p 8080:8080 -e SEARCHD_ENV=development searchd   # open writes, for a try-out

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/searchd ./searchd

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
# A fixed numeric uid/gid, so runAsNonRoot-style checks can verify it.
RUN groupadd --system --gid 10001 searchd \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home searchd \
    && mkdir -p /data && chown 10001:10001 /data
COPY --from=build /out/searchd /usr/local/bin/searchd
# Every flag has a SEARCHD_* default; these are the image's.
ENV SEARCHD_ADDR=:8080 \
    SEARCHD_DATA=/data \
    SEARCHD_LOG_FORMAT=json \
    SEARCHD_ENV=production
VOLUME ["/data"]
EXPOSE 8080
USER 10001:10001
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/local/bin/searchd"]
