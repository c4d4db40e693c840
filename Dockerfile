# Switchboard container image: multi-stage build on Debian bookworm.
#
#   docker build -t switchboard .
#   docker run -d --name switchboard -p 8080:8080 -v switchboard-data:/var/lib/switchboard \
#     -e SWITCHBOARD_PUBLIC_URL=https://switchboard.example.com switchboard
#
# See docs/operations.md.

# ---- build stage -----------------------------------------------------------------------------
FROM debian:bookworm AS build

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      cmake g++ make \
      libboost1.81-dev libboost-url1.81-dev \
      nlohmann-json3-dev libspdlog-dev libsqlite3-dev libssl-dev libcli11-dev libargon2-dev libhowardhinnant-date-dev \
      libjemalloc-dev pkg-config libpq-dev libcmark-gfm-dev libcmark-gfm-extensions-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .

RUN cmake -S . -B build \
      -DCMAKE_BUILD_TYPE=Release \
      -DSWITCHBOARD_BUILD_TESTS=OFF \
      -DSWITCHBOARD_BUILD_BENCH=OFF \
 && cmake --build build --target switchboard --parallel "$(nproc)" \
 && strip build/switchboard

# ---- runtime stage ---------------------------------------------------------------------------
FROM debian:bookworm-slim

# Only the shared libraries the binary links (libstdc++6 and libgcc-s1 are in the base image),
# CA certificates for outbound HTTPS (carriers, Bot Framework, webhooks), and curl for HEALTHCHECK.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libspdlog1.10 libfmt9 libsqlite3-0 libssl3 libargon2-1 libboost-url1.81.0 libdate-tz3 \
      libjemalloc2 libpq5 libcmark-gfm0.29.0.gfm.6 libcmark-gfm-extensions0.29.0.gfm.6 \
      ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*

# Non-root user with a fixed uid/gid, so volume ownership is stable across rebuilds.
RUN groupadd --system --gid 10001 switchboard \
 && useradd --system --uid 10001 --gid switchboard --no-create-home \
      --home-dir /var/lib/switchboard --shell /usr/sbin/nologin switchboard \
 && install -d -m 0750 -o switchboard -g switchboard /var/lib/switchboard

COPY --from=build /src/build/switchboard /usr/local/bin/switchboard
COPY config/switchboard.example.json /usr/local/share/switchboard/switchboard.example.json

# Fail the image build if a shared library is missing.
RUN ! ldd /usr/local/bin/switchboard | grep 'not found' \
 && /usr/local/bin/switchboard version

# The directory is created and chowned above, before VOLUME, so a new named volume starts out
# owned by the switchboard user.
VOLUME /var/lib/switchboard
WORKDIR /var/lib/switchboard

ENV SWITCHBOARD_LISTEN=0.0.0.0:8080 \
    SWITCHBOARD_DATA_DIR=/var/lib/switchboard

EXPOSE 8080
USER switchboard:switchboard

# Checks that the process serves HTTP. The port must match SWITCHBOARD_LISTEN.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1

# SIGTERM = graceful stop. Give it time: `docker stop -t 30` (http.shutdown_timeout_ms is 10 s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["switchboard"]
CMD ["serve"]
