# pve-mcp in a container. Docker is not available where the tests run: the release workflow builds
# and publishes this image (ghcr.io/pve-mcp/pve-mcp-server, linux/amd64 and linux/arm64).
#
#   stdio (an MCP client starts it):
#     docker run -i --rm -e PVE_BASE_URL -e PVE_TOKEN_ID -e PVE_TOKEN_SECRET \
#       -e PVE_CA_FILE=/ca.pem -v "$PWD/pve-root-ca.pem:/ca.pem:ro" ghcr.io/pve-mcp/pve-mcp-server
#   Streamable HTTP (see docs/REMOTE.md; a non-loopback address needs PVE_MCP_HTTP_TOKENS):
#     docker run -d -p 127.0.0.1:8080:8080 -e PVE_MCP_HTTP=0.0.0.0:8080 -e PVE_MCP_HTTP_TOKENS=/tokens.toml \
#       -v "$PWD/tokens.toml:/tokens.toml:ro" ... ghcr.io/pve-mcp/pve-mcp-server

FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin pve-mcp \
    && install -m 0755 target/release/pve-mcp /pve-mcp

# glibc and CA certificates only, no shell; runs as the image's non-root user (uid 65532).
FROM gcr.io/distroless/cc-debian12:nonroot
LABEL io.modelcontextprotocol.server.name="io.github.pve-mcp/pve-mcp-server" \
      org.opencontainers.image.source="https://github.com/pve-mcp/pve-mcp" \
      org.opencontainers.image.description="MCP server exposing every Proxmox VE API endpoint as a typed, policy-checked tool" \
      org.opencontainers.image.licenses="AGPL-3.0-or-later"
COPY --from=build /pve-mcp /usr/local/bin/pve-mcp
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/pve-mcp"]
