# One multi-stage build for every RingKV service; pick the service with --target:
#   docker build --target gateway .      (also: coordinator, storage-node)
# The build stage installs the locked dependencies, generates the gRPC code and compiles the
# apps; each runtime stage carries only production dependencies and its own compiled app.

FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx run-many -t build --projects=gateway,coordinator,storage-node --output-style=static \
 && npm prune --omit=dev

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    RINGKV_HTTP_HOST=0.0.0.0 \
    RINGKV_GRPC_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /src/node_modules ./node_modules
USER node

FROM runtime AS gateway
COPY --from=build /src/dist/gateway ./dist/gateway
EXPOSE 8080 6380
HEALTHCHECK --interval=10s --timeout=2s CMD node -e "fetch('http://127.0.0.1:8080/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--enable-source-maps", "--max-semi-space-size=64", "dist/gateway/apps/gateway/src/main.js"]

FROM runtime AS coordinator
COPY --from=build /src/dist/coordinator ./dist/coordinator
EXPOSE 50051 8081
HEALTHCHECK --interval=10s --timeout=2s CMD node -e "fetch('http://127.0.0.1:8081/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--enable-source-maps", "--max-semi-space-size=64", "dist/coordinator/apps/coordinator/src/main.js"]

FROM runtime AS storage-node
COPY --from=build /src/dist/storage-node ./dist/storage-node
USER root
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
ENV RINGKV_DATA_DIR=/data
EXPOSE 50052 8082
HEALTHCHECK --interval=10s --timeout=2s CMD node -e "fetch('http://127.0.0.1:8082/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--enable-source-maps", "--max-semi-space-size=64", "dist/storage-node/apps/storage-node/src/main.js"]
