# The demo shop with its in-process sandbox gateway; docker-compose.yml adds PostgreSQL.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY config ./config
RUN npm run build
ENV NODE_ENV=development HOST=0.0.0.0 SANDBOX_HOST=0.0.0.0 PORT=3000 SANDBOX_PORT=3100
EXPOSE 3000 3100
CMD ["node", "dist/demo/main.js"]
