# syntax=docker/dockerfile:1
# tileinfer images (see the README's "Docker" section):
#   docker build -t tileinfer .                                  the CLI and the API (stage runtime, the default)
#   docker build -t tileinfer-airflow --target airflow .         Airflow 3 with the CLI and the batch DAG
# Every build step of ours is a call to scripts/docker-build-steps, which CI runs outside Docker (Docker cannot run
# on our machines): only the base images, the apt-get and user lines are not exercised there.

# ---- build: the runnable jar, with the project's Maven wrapper on a JDK 25 --------------------------------------
FROM eclipse-temurin:25-jdk-noble AS build
# git: the build records the commit by running the git CLI (tileinfer-core's git-commit-id-maven-plugin), and the
# base image has none. docker-build-steps ci runs the build without git on the PATH unless this stage installs it.
# hadolint ignore=DL3008
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends git \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The whole context, .git included: the jar records the commit that each run's manifest names. No layer of the poms
# alone for the dependencies: the cache mount keeps Maven's downloads between builds, so a change costs a compile.
COPY . .
RUN --mount=type=cache,target=/root/.m2 scripts/docker-build-steps build /src /out

# ---- jre: the JRE 25 that both images run on (Temurin; Debian and Ubuntu ship no Java 25 runtime) -------------------
FROM eclipse-temurin:25-jre-noble AS jre

# ---- airflow: the scheduler, API server and DAG processor, able to run `tileinfer batch` themselves --------------
FROM apache/airflow:3.3.2-python3.11 AS airflow
USER 0
# gdal-bin brings the release's own libgdal (libgdal32 on Debian 12) without naming it, and gdalinfo for operators.
# Versions are not pinned: we take the release's security updates (hadolint DL3008).
# hadolint ignore=DL3008
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gdal-bin \
 && rm -rf /var/lib/apt/lists/*
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk
COPY --from=build /out/ /opt/tileinfer/
RUN /opt/tileinfer/docker-build-steps install /opt/tileinfer /usr/local/bin \
 && /opt/tileinfer/docker-build-steps aot /opt/tileinfer \
 && /opt/tileinfer/docker-build-steps check /opt/tileinfer
RUN mkdir -p /models /data /runs /config && chown 10001:0 /runs && chmod 2775 /runs
COPY orchestration/docker/pipeline.yaml /config/pipeline.yaml
COPY orchestration/airflow/dags/ /opt/airflow/dags/
ENV TILEINFER_CMD=tileinfer \
    TILEINFER_JAR=/opt/tileinfer/tileinfer.jar \
    TILEINFER_CONFIG=/config/pipeline.yaml \
    TILEINFER_SCENES=/data/inbox \
    TILEINFER_STATE_DIR=/runs/airflow
# Airflow's image runs under any uid with gid 0; docker-compose.yml uses 10001:0, the runtime image's user.
USER 50000:0

# ---- runtime (default): the CLI and the HTTP API on the slim JRE with Ubuntu's GDAL, as a non-root user -------------
FROM jre AS runtime
# libgdal34t64 is GDAL 3.8's runtime library on Ubuntu 24.04 (Debian 12 names it libgdal32); curl for the health check.
# hadolint ignore=DL3008
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libgdal34t64 curl \
 && rm -rf /var/lib/apt/lists/*
ARG TILEINFER_UID=10001
RUN useradd --system --uid "${TILEINFER_UID}" --gid 0 --create-home --home-dir /home/tileinfer tileinfer \
 && mkdir -p /models /data /runs /config \
 && chown "${TILEINFER_UID}:0" /models /runs && chmod 2775 /models /runs
COPY --from=build /out/ /opt/tileinfer/
RUN /opt/tileinfer/docker-build-steps install /opt/tileinfer /usr/local/bin \
 && /opt/tileinfer/docker-build-steps aot /opt/tileinfer \
 && /opt/tileinfer/docker-build-steps check /opt/tileinfer
COPY orchestration/docker/pipeline.yaml /config/pipeline.yaml
# serve's defaults for --host and --port: all addresses (a container is reached from outside its loopback), and the
# port that EXPOSE and the health check name. No TILEINFER_JAVA_OPTS: the heap is the launcher's for batch and plan
# (128 MB + 32 MB per core) and the JVM's default for the rest (a quarter of the container's memory, kept below 32 GB).
# A RAM percentage would let a big host without a memory limit reach 32 GB, where the JVM drops compressed oops, and
# with them the AOT cache (docker-build-steps ci refuses one).
ENV TILEINFER_GDAL_LIBRARY=/opt/tileinfer/lib/libgdal.so \
    TILEINFER_LISTEN_HOST=0.0.0.0 \
    TILEINFER_LISTEN_PORT=8080
# The model registry, the imagery and the outputs live outside the image.
VOLUME ["/models", "/data", "/runs"]
WORKDIR /runs
USER ${TILEINFER_UID}:0
EXPOSE 8080
# For the API (`tileinfer serve`): ready once the model is loaded. A batch container disables it (docker-compose.yml).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["sh", "-c", "curl -fsS \"http://127.0.0.1:${TILEINFER_LISTEN_PORT}/v2/health/ready\" >/dev/null || exit 1"]
ENTRYPOINT ["tileinfer"]
CMD ["--help"]
