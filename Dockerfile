# syntax=docker/dockerfile:1
# Hearth in a container. With compose.yaml: fill in .env, then `docker compose up -d`.

# Node 24.18.0, not a later 24.x: from 24.19 on, native add-ons compiled against Node's headers
# clean up differently, and the SQLite driver (better-sqlite3 12) then aborts the process during
# garbage collection (nodejs/node#65446). package.json "engines" says the same.
# Build: compiles the SQLite driver and Hearth's TypeScript, then drops the dev tools.
FROM node:24.18.0-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Packages first, in a layer reused until the lockfile changes; the build itself needs the sources.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY commands ./commands
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev

# Run: Node, the built programs, the production packages and the migrations. No compiler, no dev tools.
FROM node:24.18.0-slim
ENV NODE_ENV=production \
    DATABASE_PATH=/data/hearth.sqlite \
    HEALTH_PORT=8080 \
    HEALTH_HOST=127.0.0.1
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/migrations ./migrations
RUN mkdir /data && chown node:node /data
USER node
VOLUME /data
# Hearth stops cleanly on SIGTERM within 10 s: give it longer (compose.yaml: stop_grace_period,
# docker run: --stop-timeout 20).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.HEALTH_PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself, not npm: Docker signals only this first process, and npm's shell would not pass SIGTERM on.
CMD ["node", "dist/main.js"]
