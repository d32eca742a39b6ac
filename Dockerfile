# dart-slack image. Conventions of Node's official images: multi-stage, production
# dependencies only, the unprivileged `node` user, exec-form CMD so that `node` itself is
# PID 1 and receives SIGTERM (run with `docker run --init`, or `init: true` in compose, if
# you also want zombie reaping; Kubernetes needs neither).
# The app is compiled to JavaScript here, once: it then starts faster and smaller than with
# Node's type stripping of the sources at every start (bench/RESULTS.md).
# --max-semi-space-size=8, as in `npm start`: V8 otherwise lets its young generation grow to
# 128 MiB under a burst of webhooks and keeps it (README, "Build and start").
# `npm run check:image` runs these same install and start steps in a clean folder.

FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json

FROM node:24.21.0-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency runs code at install; --omit=dev: no test tools, no pinned dev Node.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM node:24.21.0-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATABASE_PATH=/data/dart-slack.db
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
# The SQLite file (and its -wal/-shm companions) live on a volume the node user owns.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/livez').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=8", "dist/main.js"]
