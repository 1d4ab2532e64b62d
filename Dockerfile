# syntax=docker/dockerfile:1
# Build stage: resolve the locked dependencies into a virtual environment.
FROM python:3.13-slim AS build
ENV UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --python /usr/local/bin/python3
COPY . .
RUN DJANGO_SECRET_KEY=collectstatic-only /app/.venv/bin/python manage.py collectstatic --no-input

# Runtime stage: the environment, the code and the collected static files, run as a non-root user.
FROM python:3.13-slim
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHON=/app/.venv/bin/python PORT=8000
RUN useradd --system --create-home --uid 1000 app
WORKDIR /app
COPY --from=build --chown=app:app /app /app
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "/app/deploy/healthcheck.py"]
CMD ["/app/deploy/start"]
