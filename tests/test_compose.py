"""docker-compose.yml and the Dockerfile, checked against the code.

No Docker engine runs on these machines, so instead of starting the stack this reads the
compose file and checks that every command would run against this codebase (Celery's
and gunicorn's own argument parsers, Django's management commands), that every variable
set is one the settings read, that production settings load from exactly that
environment, and that the services wait for healthy databases.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib
import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import pytest

yaml = pytest.importorskip("yaml")

REPO = Path(__file__).resolve().parents[1]
COMPOSE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
SETTINGS_PY = REPO / "datascores" / "settings.py"

# What a deployment must set, whatever the settings' defaults: without these the stack
# would quietly run on SQLite, the embedded broker and the embedded index, or in debug.
PRODUCTION_VARIABLES = {
    "DATASCORES_HOME",
    "DATASCORES_PRODUCTION",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "DATASCORES_SEARCH_BACKEND",
    "ELASTICSEARCH_URL",
}
# Values for the variables the compose file requires from `.env`.
DOTENV = {
    "DJANGO_SECRET_KEY": "k" * 24 + "-compose-test-secret-" + "x" * 24,
    "POSTGRES_PASSWORD": "compose-test-password",
}
INFRASTRUCTURE = ("postgres", "redis", "elasticsearch")


# --- helpers: pure functions ---------------------------------------------------------------

ENV_READERS = {
    "str",
    "bool",
    "int",
    "float",
    "list",
    "tuple",
    "dict",
    "json",
    "url",
    "path",
    "db",
    "db_url",
    "cache",
    "cache_url",
    "email",
    "email_url",
    "search_url",
    "bytes",
    "get_value",
}


def settings_env_reads(source: str) -> dict[str, bool]:
    """Environment variables a settings module reads, mapped to whether it has a default.

    Understands django-environ (``env.str("NAME", default=...)``, ``env("NAME")``) and
    ``os.environ.get`` / ``os.getenv`` / ``os.environ["NAME"]``.
    """
    found: dict[str, bool] = {}

    def note(name: str, has_default: bool) -> None:
        found[name] = found.get(name, False) or has_default

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                note(key.value, False)
            continue
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        func = node.func
        via_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "env"
            and func.attr in ENV_READERS
        )
        via_os = isinstance(func, ast.Attribute) and (
            (func.attr == "get" and ast.unparse(func.value) == "os.environ")
            or (func.attr == "getenv" and ast.unparse(func.value) == "os")
        )
        if via_env or via_os:
            has_default = len(node.args) > 1 or any(k.arg == "default" for k in node.keywords)
            note(first.value, has_default)
    return found


class MissingVariable(Exception):
    """A `${NAME:?message}` whose variable is not set."""


_VARIABLE = re.compile(r"\$\$|\$\{(?P<braced>[^}]*)\}|\$(?P<named>[A-Za-z_][A-Za-z0-9_]*)")
_BRACED = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:-|-|:\?|\?|:\+|\+)(?P<arg>.*))?$", re.S
)


def interpolate(value: str, env: Mapping[str, str]) -> str:
    """Substitute variables as Docker Compose does: $$, $NAME, ${NAME}, ${NAME:-d}, ${NAME:?e}."""

    def substitute(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        if match.group("named"):
            return env.get(match.group("named"), "")
        parts = _BRACED.match(match.group("braced"))
        if parts is None:
            raise ValueError(f"invalid interpolation {match.group(0)!r}")
        name, op, arg = parts.group("name"), parts.group("op"), parts.group("arg") or ""
        is_set, current = name in env, env.get(name, "")
        if op == ":-":
            return current if current else arg
        if op == "-":
            return current if is_set else arg
        if op in (":?", "?"):
            if (op == ":?" and not current) or not is_set:
                raise MissingVariable(f"{name}: {arg}")
            return current
        if op == ":+":
            return arg if current else ""
        if op == "+":
            return arg if is_set else ""
        return current

    return _VARIABLE.sub(substitute, value)


def command_lines(command: list[str] | str) -> list[list[str]]:
    """A service's command as argument lists; `sh -c "a && b"` becomes [a, b]."""
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if argv[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in argv[2].split("&&")]
    return [argv]


def dockerignored(path: str, patterns: list[str]) -> bool:
    """Whether .dockerignore patterns (last match wins, ! re-includes) exclude a path."""
    excluded = False
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = raw[1:] if negate else raw
        pattern = pattern.strip("/").removeprefix("**/")
        parts = path.split("/")
        candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))] + parts
        if any(fnmatch.fnmatch(c, pattern) for c in candidates):
            excluded = not negate
    return excluded


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict[str, dict]:
    return compose["services"]


@pytest.fixture(scope="module")
def app_services(services) -> dict[str, dict]:
    """The services that run this project's code (built from the Dockerfile)."""
    found = {name: svc for name, svc in services.items() if "build" in svc}
    assert found, "no service is built from the Dockerfile"
    return found


@pytest.fixture(scope="module")
def settings_reads() -> dict[str, bool]:
    return settings_env_reads(SETTINGS_PY.read_text())


def app_environment(service: dict, extra: Mapping[str, str] = DOTENV) -> dict[str, str]:
    return {k: interpolate(str(v), extra) for k, v in (service.get("environment") or {}).items()}


def routed_queues() -> set[str]:
    from django.conf import settings

    queues = {settings.CELERY_TASK_DEFAULT_QUEUE}
    queues |= {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    return queues


def worker_queues(argv: list[str]) -> set[str] | None:
    """Queues a `celery ... worker` command consumes, as Celery's own parser reads them."""
    import click
    from celery.bin.base import CLIContext
    from celery.bin.celery import celery

    from datascores import celery_app

    sub = next(i for i, a in enumerate(argv) if a in celery.commands)
    parent = click.Context(
        celery,
        info_name="celery",
        obj=CLIContext(app=celery_app, no_color=True, workdir=None, quiet=True),
    )
    name = argv[sub]
    ctx = celery.commands[name].make_context(name, argv[sub + 1 :], parent=parent)
    if name == "worker":
        return set(ctx.params["queues"] or [])
    return None


# --- the helpers themselves ----------------------------------------------------------------


def test_interpolation_follows_compose_rules():
    env = {"SET": "v", "EMPTY": ""}
    assert interpolate("a-${SET}-$SET-$$HOME", env) == "a-v-v-$HOME"
    assert interpolate("${EMPTY:-d} ${EMPTY-d} ${UNSET-d} ${UNSET:-d}", env) == "d  d d"
    assert interpolate("${X:--Xms1g -Xmx1g}", env) == "-Xms1g -Xmx1g"
    assert interpolate("${SET:+yes}${EMPTY:+no}", env) == "yes"
    with pytest.raises(MissingVariable, match="UNSET: say so"):
        interpolate("${UNSET:?say so}", env)
    with pytest.raises(MissingVariable):
        interpolate("${EMPTY:?must not be empty}", env)


def test_settings_reader_parser_finds_names_and_defaults():
    source = (
        'A = env.str("NAME_A", default="x")\n'
        'B = env.bool("NAME_B")\n'
        'C = env.db("NAME_C", default="sqlite://")\n'
        'D = env("NAME_D")\n'
        'E = os.environ.get("NAME_E", "1")\n'
        'F = os.environ["NAME_F"]\n'
        'G = other.str("NOT_ENV")\n'
    )
    assert settings_env_reads(source) == {
        "NAME_A": True,
        "NAME_B": False,
        "NAME_C": True,
        "NAME_D": False,
        "NAME_E": True,
        "NAME_F": False,
    }


# --- environment ---------------------------------------------------------------------------


def test_app_services_set_only_variables_the_settings_read(app_services, settings_reads):
    for name, service in app_services.items():
        unknown = set(service.get("environment") or {}) - set(settings_reads)
        assert not unknown, f"{name} sets variables datascores/settings.py never reads: {unknown}"


def test_app_services_set_every_production_variable(app_services, settings_reads):
    assert set(settings_reads) >= PRODUCTION_VARIABLES, "settings no longer read these"
    required = PRODUCTION_VARIABLES | {
        n for n, has_default in settings_reads.items() if not has_default
    }
    for name, service in app_services.items():
        missing = required - set(service.get("environment") or {})
        assert not missing, f"{name} does not set {missing}"


def test_app_services_share_one_environment(app_services):
    environments = {json.dumps(s.get("environment"), sort_keys=True) for s in app_services.values()}
    assert len(environments) == 1, "web, workers and beat must see the same settings"


def test_no_secret_has_a_default_in_the_compose_file(app_services, services):
    for name, service in app_services.items():
        env = service["environment"]
        assert re.fullmatch(r"\$\{DJANGO_SECRET_KEY:?\?[^}]*\}", env["DJANGO_SECRET_KEY"]), name
        for variable in DOTENV:
            without = {k: v for k, v in DOTENV.items() if k != variable}
            with pytest.raises(MissingVariable, match=variable):
                app_environment(service, without)
    assert "${POSTGRES_PASSWORD:?" in services["postgres"]["environment"]["POSTGRES_PASSWORD"]


def test_production_settings_load_from_the_web_environment(services, tmp_path):
    """Import the settings and the WSGI app in a fresh process with exactly web's variables."""
    env = app_environment(services["web"])
    assert env["DATASCORES_HOME"].startswith("/")  # a path inside the container
    env["DATASCORES_HOME"] = str(tmp_path)  # the container path is not writable here
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    script = (
        "import json, django\n"
        "django.setup()\n"
        "from django.conf import settings as s\n"
        "import datascores.wsgi as w\n"
        "db = s.DATABASES['default']\n"
        "print(json.dumps({'debug': s.DEBUG, 'production': s.PRODUCTION,\n"
        "  'engine': db['ENGINE'], 'db_host': db['HOST'], 'db_port': db['PORT'],\n"
        "  'broker': s.CELERY_BROKER_URL, 'search': s.SEARCH_BACKEND,\n"
        "  'es': s.ELASTICSEARCH_URL, 'hosts': s.ALLOWED_HOSTS,\n"
        "  'wsgi': callable(w.application)}))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        env={**base, **env, "DJANGO_SETTINGS_MODULE": "datascores.settings"},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    loaded = json.loads(run.stdout.strip().splitlines()[-1])
    assert loaded["production"] is True and loaded["debug"] is False
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["search"] == "elasticsearch"
    assert loaded["wsgi"] is True
    assert loaded["hosts"] and "*" not in loaded["hosts"]
    # Every URL points at a service this compose file defines, on the port it listens on.
    assert (loaded["db_host"], int(loaded["db_port"])) == ("postgres", 5432)
    for url, service, port in (
        (loaded["broker"], "redis", 6379),
        (loaded["es"], "elasticsearch", 9200),
    ):
        parts = urlsplit(url)
        assert (parts.hostname, parts.port) == (service, port)
        assert service in services

    # And the production guard is live in that environment: the shipped key is refused.
    from django.conf import settings

    env["DJANGO_SECRET_KEY"] = settings.DEFAULT_SECRET_KEY
    refused = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**base, **env, "DJANGO_SETTINGS_MODULE": "datascores.settings"},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0 and "DJANGO_SECRET_KEY" in refused.stderr


# --- commands ------------------------------------------------------------------------------


def test_every_app_command_runs_against_this_codebase(app_services):
    from django.core.management import get_commands, load_command_class

    programs: set[str] = set()
    for name, service in app_services.items():
        assert service.get("command"), f"{name} has no command"
        for argv in command_lines(service["command"]):
            program = argv[0]
            programs.add(program)
            if program == "celery":
                app = argv[argv.index("-A") + 1] if "-A" in argv else None
                assert app == "datascores", f"{name}: celery app {app!r}"
                assert importlib.import_module(app).celery_app.main == "datascores"
                worker_queues(argv)  # raises click.UsageError on a bad option
            elif program == "gunicorn":
                from gunicorn.config import Config

                parsed = Config().parser().parse_args(argv[1:])
                module, _, attr = parsed.args[0].partition(":")
                spec = importlib.util.find_spec(module)
                assert spec and spec.origin, f"{name}: no module {module}"
                tree = ast.parse(Path(spec.origin).read_text())
                assigned = {
                    t.id
                    for node in tree.body
                    if isinstance(node, ast.Assign)
                    for t in node.targets
                    if isinstance(t, ast.Name)
                }
                assert (attr or "application") in assigned
            elif program == "python":
                assert argv[1] == "manage.py" and (REPO / "manage.py").is_file()
                commands = get_commands()
                assert argv[2] in commands, f"{name}: no management command {argv[2]}"
                command = load_command_class(commands[argv[2]], argv[2])
                command.create_parser("manage.py", argv[2]).parse_args(argv[3:])
            else:
                pytest.fail(f"{name}: unexpected program {program!r}")
    assert programs == {"celery", "gunicorn", "python"}


def test_the_programs_commands_run_are_installed_with_the_project(app_services):
    """The image installs pyproject's dependencies, so celery and gunicorn must be among them."""
    programs = {argv[0] for s in app_services.values() for argv in command_lines(s["command"])}
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {re.split(r"[\s<>=!~\[;]", d, maxsplit=1)[0].lower() for d in deps}
    for program in programs - {"python"}:
        assert program in names, f"{program} is not a dependency in pyproject.toml"


def test_workers_consume_every_routed_queue_and_only_those(app_services):
    consumed: dict[str, set[str]] = {}
    beats = []
    for name, service in app_services.items():
        for argv in command_lines(service["command"]):
            if argv[0] == "celery" and "worker" in argv:
                queues = worker_queues(argv)
                assert queues, f"{name} consumes no named queue"
                consumed[name] = queues
            elif argv[0] == "celery" and "beat" in argv:
                beats.append(name)
    routed = routed_queues()
    for name, queues in consumed.items():
        assert queues <= routed, f"{name} listens on queues nothing is routed to: {queues - routed}"
    assert set().union(*consumed.values()) == routed
    assert len(beats) == 1, "exactly one beat, or periodic tasks run twice"


# --- services ------------------------------------------------------------------------------


def test_infrastructure_has_healthchecks_that_probe_the_service(services):
    probes = {
        "postgres": "pg_isready",
        "redis": "redis-cli ping",
        "elasticsearch": "_cluster/health",
    }
    for name in INFRASTRUCTURE:
        test = services[name]["healthcheck"]["test"]
        assert test[0] in ("CMD", "CMD-SHELL")
        assert probes[name] in " ".join(test[1:]), name


def test_app_services_wait_for_healthy_dependencies(app_services, services):
    long_running = {n for n, s in app_services.items() if s.get("restart") != "no"}
    assert {"web", "beat"} <= long_running
    for name, service in app_services.items():
        depends = service.get("depends_on") or {}
        for infra in ("postgres", "redis") if name in long_running else ("postgres",):
            assert depends.get(infra, {}).get("condition") == "service_healthy", (name, infra)
        if name in long_running:
            # Nothing starts on a half-migrated schema.
            waits = [
                dep
                for dep, cond in depends.items()
                if cond.get("condition") == "service_completed_successfully"
            ]
            assert waits and all(services[d].get("restart") == "no" for d in waits), name
    search_users = ["web"] + [
        n
        for n, s in app_services.items()
        if "index" in " ".join(" ".join(a) for a in command_lines(s["command"]))
    ]
    for name in search_users:
        assert app_services[name]["depends_on"]["elasticsearch"]["condition"] == "service_healthy"


def test_infrastructure_images_and_elasticsearch_single_node(services):
    assert re.fullmatch(r"postgres:16(\.\d+)*(-\w+)?", services["postgres"]["image"])
    assert re.fullmatch(r"redis:7(\.\d+)*(-\w+)?", services["redis"]["image"])
    es = services["elasticsearch"]
    assert re.fullmatch(r"docker\.elastic\.co/elasticsearch/elasticsearch:8\.\d+\.\d+", es["image"])
    env = {k: interpolate(str(v), {}) for k, v in es["environment"].items()}
    assert env["discovery.type"] == "single-node"
    assert env["xpack.security.enabled"] == "false"
    heap = dict(re.findall(r"-Xm([sx])(\S+)", env["ES_JAVA_OPTS"]))
    assert heap["s"] == heap["x"], "min and max heap should match"


def test_app_services_share_the_home_volume(compose, app_services):
    homes = set()
    for name, service in app_services.items():
        home = service["environment"]["DATASCORES_HOME"]
        mounts = [v.split(":") for v in service.get("volumes", [])]
        named = [src for src, target, *_ in mounts if target == home]
        assert named and named[0] in compose["volumes"], f"{name}: {home} is not a named volume"
        homes.add(named[0])
    assert len(homes) == 1, "blobs written by one service must be readable by the others"


def test_web_publishes_the_port_gunicorn_binds_on_loopback(services):
    from gunicorn.config import Config

    web = services["web"]
    parsed = Config().parser().parse_args(command_lines(web["command"])[0][1:])
    bind_port = int(parsed.bind[0].rsplit(":", 1)[1])
    published = [interpolate(p, {}) for p in web["ports"]]
    assert any(p == f"127.0.0.1:8000:{bind_port}" for p in published), published


# --- image ---------------------------------------------------------------------------------


def test_dockerfile_builds_this_project():
    lines = [ln.strip() for ln in DOCKERFILE.read_text().splitlines()]
    text = "\n".join(lines)
    first = next(ln for ln in lines if ln and not ln.startswith("#"))
    assert first == "FROM python:3.11-slim"
    # Every format is read by pip-installed code: the image installs nothing from apt.
    assert "apt-get install" not in text
    assert re.search(r"pip install[^\n]*(-e )?\.(\s|$)", text)
    patterns = [
        ln.strip()
        for ln in DOCKERIGNORE.read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    for instruction in re.findall(r"^COPY\s+(.+)$", text, re.M):
        for source in shlex.split(instruction)[:-1]:
            if source != ".":
                assert (REPO / source).exists(), f"COPY {source}: not in the repository"
                assert not dockerignored(source, patterns), f"COPY {source} is dockerignored"
    for needed in (
        "pyproject.toml",
        "README.md",
        "manage.py",
        "datascores/settings.py",
        "templates",
        "static",
    ):
        assert not dockerignored(needed, patterns), f"{needed} would be left out of the image"
    for secret in (".env", ".env.production", "var/datascores.sqlite3", ".git/config"):
        assert dockerignored(secret, patterns), f"{secret} would be copied into the image"
    compose = yaml.safe_load(COMPOSE.read_text())
    for service in compose["services"].values():
        if "build" in service:
            assert (
                REPO / service["build"]["context"] / service["build"]["dockerfile"]
            ).resolve() == DOCKERFILE
