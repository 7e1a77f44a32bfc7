# Production image: a release build of motcua with its configuration and seeds.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN useradd --system --home /app motcua
WORKDIR /app
COPY --from=build /src/target/release/motcua /usr/local/bin/motcua
COPY config ./config
COPY seeds ./seeds
USER motcua
EXPOSE 8080
ENTRYPOINT ["motcua"]
CMD ["serve"]
