# Rally app node. Build: docker build -t rally . ; the compose file runs two of these on Redis.
# [OPS13] Two stages: the first installs everything and builds (client bundle + compiled server), then
# drops the dev dependencies; the second holds only what runs: production node_modules, dist/ and
# client/dist/, run by plain node (no tsx, no TypeScript) as the unprivileged `node` user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 and bufferutil build native code when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY scripts/build-server.mjs ./scripts/
COPY shared/src ./shared/src
COPY server/src ./server/src
COPY client ./client
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS run
ENV NODE_ENV=production PORT=3000 DATA_DIR=/app/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/client/dist ./client/dist
# The embedded store's SQLite file lives here (mount a volume); the only path the app writes.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
CMD ["node", "--enable-source-maps", "dist/server/index.js"]
