# One image for every role (the CLI today; the API and workers run from the same image).
FROM node:20-bookworm-slim AS build
ENV ONNXRUNTIME_NODE_INSTALL=skip
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
# Prisma's generator needs dev dependencies (prisma, swc): build here, prune afterwards.
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY prisma ./prisma
COPY grading-specs ./grading-specs
COPY examples ./examples
COPY runner ./runner
ENTRYPOINT ["node"]
CMD ["dist/cli.js", "--help"]
