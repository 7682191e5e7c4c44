# One image for the API and the worker; the command chooses the process.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml constraints.txt README.md alembic.ini ./
COPY service ./service
COPY workers ./workers
COPY models ./models
COPY matching ./matching
COPY fixtures ./fixtures
RUN pip install --no-cache-dir -c constraints.txt . \
    && useradd --create-home ctomatch
USER ctomatch
EXPOSE 8000
CMD ["ctomatch", "serve"]
