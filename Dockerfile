# g2probe in a container: build the npm package, install it clean, run it as a non-root user.
# What this does is tested without an engine by test/package.test.ts (pack, clean install, run).
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY bin ./bin
COPY README.md ./
RUN npm pack --pack-destination /tmp && mv /tmp/g2probe-*.tgz /tmp/g2probe.tgz

FROM node:20-slim
COPY --from=build /tmp/g2probe.tgz /tmp/g2probe.tgz
RUN npm install --global --omit=dev --no-audit --no-fund /tmp/g2probe.tgz && rm /tmp/g2probe.tgz && npm cache clean --force
USER node
ENTRYPOINT ["g2probe"]
