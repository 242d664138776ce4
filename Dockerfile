# A small image of psa-conformance: Debian slim, non-root, the binary only.
#   docker build -t psa-conformance .
#   docker run --rm psa-conformance                      # the suite against the built-in mock
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/work" -w /work \
#     -e PSA_BEARER_TOKEN -e PSA_INTEGRATION_KEY -e PSA_PASSWORD \
#     psa-conformance run --target ncentral.toml --out reports
FROM rust:1-slim-bookworm AS build
WORKDIR /src
# Cargo.toml names the tests and benches, so cargo needs them to read the manifest;
# features/ and schemas/ are embedded in the binary.
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY features features
COPY schemas schemas
COPY benches benches
COPY tests tests
RUN cargo build --release --locked --bin psa-conformance

FROM debian:bookworm-slim
# Pinned (hadolint DL3008) to bookworm's current version; when Debian
# replaces it, `apt-cache policy ca-certificates` in this image names the new one.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates=20250419~deb12u2 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 psa \
 && useradd --create-home --uid 10001 --gid 10001 psa
COPY --from=build /src/target/release/psa-conformance /usr/local/bin/psa-conformance
# Numeric (hadolint DL3066): the user psa, resolvable on any host.
USER 10001:10001
WORKDIR /home/psa
ENTRYPOINT ["psa-conformance"]
CMD ["run"]
