# kjournal container image: the CLI and the node agent (config/kubernetes/daemonset.yaml).
#
#   scripts/build-image.sh        # builds it with buildah from a locally made Debian 12 base
#
# Both stages start from BASE_IMAGE, a Debian 12 (bookworm) image: the build stage builds
# the Debian package with cpack, the runtime stage installs that package, so the image
# carries exactly the runtime libraries its Depends name (libsystemd0 252, the Poco,
# yaml-cpp, PCRE2, zlib, libdeflate and snappy libraries) and no compiler, no headers and
# no journalctl.
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config dpkg-dev file \
      libsystemd-dev libpoco-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev \
      libpcre2-dev zlib1g-dev libdeflate-dev libsnappy-dev \
 && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN cmake -S /src -B /build -DCMAKE_BUILD_TYPE=Release -DKJ_BUILD_TESTS=OFF -DKJ_BUILD_BENCH=OFF \
 && cmake --build /build -j"$(nproc)" --target kjournal \
 && cd /build && cpack -G DEB -B /build/deb \
 && mv /build/deb/kjournal_*.deb /build/kjournal.deb

FROM ${BASE_IMAGE}
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="kjournal" \
      org.opencontainers.image.description="Kubernetes node log CLI and agent (journal and component log files)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.base.name="debian:bookworm"
ENV DEBIAN_FRONTEND=noninteractive
COPY --from=build /build/kjournal.deb /tmp/kjournal.deb
# ca-certificates: the HTTPS exporters verify against the system CA store by default.
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/kjournal.deb ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /tmp/kjournal.deb \
      /usr/share/man/* /usr/share/info/* \
 && kjournal version
# Unprivileged by default (nobody); the DaemonSet runs it as uid 0 with no capabilities to
# read the host's root-owned journal files.
USER 65534:65534
EXPOSE 2021
# The same image serves the agent (args: agent --config FILE) and the CLI
# (kubectl exec POD -- kjournal --since 1h).
ENTRYPOINT ["/usr/bin/kjournal"]
CMD ["--help"]
