# Production image: a release build of motcua; its configuration and seeds are built into the binary
# (mount a folder and set MOTCUA_CONFIG_DIR or seed.dir to use others).
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN useradd --system --home /app motcua
WORKDIR /app
COPY --from=build /src/target/release/motcua /usr/local/bin/motcua
USER motcua
EXPOSE 8080
ENTRYPOINT ["motcua"]
CMD ["serve"]
