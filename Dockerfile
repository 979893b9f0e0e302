# One image for the worker and the API (docker-compose.yml picks the entry point).
FROM node:22-slim
# DejaVu Sans, embedded in printed letters so names in Greek, Cyrillic, Hebrew… print (core/letters/pdf.ts).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
# Workers load this bundle instead of running webpack at start (faster, ~90 MB less memory).
RUN node --import tsx scripts/build-workflows.ts build/workflow-bundle.js
# The data folder holds the generated payload key and demo-tokens.json; compose mounts a volume here.
RUN mkdir -p .data && chown node:node .data
USER node
ENV FORTHRIGHT_DATA_DIR=/app/.data HOST=0.0.0.0 PORT=3000 WORKFLOW_BUNDLE_PATH=/app/build/workflow-bundle.js
EXPOSE 3000
# node --import tsx: TypeScript in a single process, so SIGTERM from `docker stop` reaches the app.
CMD ["node", "--import", "tsx", "api/main.ts"]
