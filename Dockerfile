# g2probe in a container: build the npm package, install it clean, run it as a non-root user.
# What this does is tested without an engine by test/package.test.ts: pack, clean install, then the
# installed command run unprivileged from a directory it cannot write, serving on loopback.
FROM node:22-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json ./
# The sources are not here yet: npm pack's prepare builds them.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY src ./src
COPY bin ./bin
COPY build/with-node.mjs ./build/
COPY schema ./schema
COPY README.md LICENSE ./
COPY docs ./docs
RUN npm pack --pack-destination /tmp && mv /tmp/g2probe-*.tgz /tmp/g2probe.tgz

FROM node:22-slim
ENV NODE_ENV=production \
    G2PROBE_LISTEN=0.0.0.0:9815
COPY --from=build /tmp/g2probe.tgz /tmp/g2probe.tgz
RUN npm install --global --omit=dev --no-audit --no-fund /tmp/g2probe.tgz \
 && rm /tmp/g2probe.tgz && npm cache clean --force \
 && mkdir -p /var/cache/g2probe && chown node:node /var/cache/g2probe
# Nothing else is written: the image runs with --read-only; mount a volume here for --ranges-cache.
VOLUME ["/var/cache/g2probe"]
USER node
EXPOSE 9815
# Only meaningful for `serve` (a one-shot run exits first). It asks /healthz on G2PROBE_LISTEN's port: the
# scheduler runs on time. A blocked network is a metric, not an unhealthy container.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["g2probe", "health"]
ENTRYPOINT ["g2probe"]
