# One image for the API and the worker; the command chooses the process.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY service ./service
COPY workers ./workers
COPY models ./models
COPY matching ./matching
COPY fixtures ./fixtures
# Installed as a wheel, its data (fixtures/, templates, migrations) inside it; the sources are then
# dropped, so every process runs the installed package (tests/integration/test_wheel_compose.py).
RUN pip install --no-cache-dir -c constraints.txt . \
    && rm -rf /src \
    && useradd --create-home ctomatch
USER ctomatch
WORKDIR /home/ctomatch
EXPOSE 8000
CMD ["ctomatch", "serve"]
