# Multi-stage build: compile with the Rust toolchain, run on a slim Debian with only the binary.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && cp target/release/reverse-mentoring /usr/local/bin/

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /data mentoring && mkdir -p /data && chown mentoring /data
COPY --from=build /usr/local/bin/reverse-mentoring /usr/local/bin/reverse-mentoring
USER mentoring
WORKDIR /data
ENV BIND_ADDRESS=0.0.0.0:8080 LOG_JSON=true
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '200 OK' <&3"]
ENTRYPOINT ["reverse-mentoring"]
CMD ["serve"]
