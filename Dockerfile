# syntax=docker/dockerfile:1
# The production image: one build of the API and the worker (docs/operations.md#containers). The API is the
# default command; the worker runs the same image with `node dist/jobs/main.js` (docker-compose.yml).

# --- build: every dependency, then `npm run build` (tsc into dist/ plus the files the code reads beside itself).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY openapi ./openapi
COPY src ./src
COPY jobs ./jobs
RUN npm run build

# --- runtime: production dependencies and the compiled build only, run by the unprivileged `node` user.
FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    BARONG_STORAGE_LOCAL_PATH=/app/uploads
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Uploaded KYC files (local storage provider): a volume shared by the API and the worker, owned by `node`.
RUN mkdir -p /app/uploads && chown node:node /app/uploads
USER node
EXPOSE 3000
# The slim image has no curl: Node's own fetch asks /readyz (database and Redis answer) on the API's port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
