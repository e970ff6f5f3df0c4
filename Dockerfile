# The simulator build of `kraken` (scenario, sweep, sweep-merge) with the shipped
# scenarios: the image deploy/sweep-job.yaml runs, one sweep shard per pod.
#   docker build --build-arg REVISION=$(git rev-parse --short HEAD) -t kraken-sim .
#   docker run --rm kraken-sim sweep scenarios/lossy.toml --seeds 1..20 --jobs 2
# A failing seed found by a pod replays with the same image:
#   docker run --rm kraken-sim scenario scenarios/lossy.toml --seed 17

FROM rust:1-bookworm AS build
WORKDIR /kraken
COPY . .
# LLVM 19 + MLIR (Cairo Native) and the native-compile stand-in, as `make setup` installs
# them; release: a sweep runs many seeds, so runtime speed pays for the longer build.
RUN bash scripts/setup.sh \
 && cargo build --release --bin kraken

FROM debian:bookworm-slim
# Cairo Native links the code it compiles with the system linker (`ld -lc`).
RUN apt-get update \
 && apt-get install -y --no-install-recommends binutils libc6-dev libstdc++6 libzstd1 zlib1g \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /kraken/target/release/kraken /usr/local/bin/kraken
COPY scenarios /kraken/scenarios
WORKDIR /kraken
# There is no git checkout in the image: reports name the revision given at build time.
ARG REVISION=unknown
ENV KRAKEN_REVISION=$REVISION
ENTRYPOINT ["kraken"]
CMD ["--help"]
