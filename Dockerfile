# syntax=docker/dockerfile:1.7
# Production image: compiled JavaScript, production dependencies only, non-root, talks to MongoDB 7+ (MONGODB_URI).
# The embedded FerretDB is for development and tests; it is not part of this image.

FROM node:24.22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY services ./services
COPY policies ./policies
RUN npm run build && cp services/http/routes/system/api-reference.css dist/services/http/routes/system/
# The web app: Vite bundles web-components/ into dist/web (hashed assets).
COPY web-components ./web-components
RUN npm run build:web

FROM node:24.22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force
# dist/ holds the compiled service and the web app (dist/web, found next to dist/services by services/app.js).
COPY --from=build /app/dist ./dist
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The heap bounds of services/node-flags.ts (a test keeps this line and package.json's start script in step).
CMD ["node", "--max-old-space-size=256", "--max-semi-space-size=8", "dist/services/main.js"]
