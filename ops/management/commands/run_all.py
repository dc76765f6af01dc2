"""`make run`: web server, Celery worker and Celery beat together in the foreground.

The worker and beat are restarted when they exit, with a back-off (ops/supervisor.py):
counting goes on after a fault without anyone restarting anything. The web server exiting
stops everything: gunicorn restarts its own workers, so its master exits only on a fault
that a restart would meet again (a port in use, a broken configuration), and `make run`
says so at once instead of looping on it. Ctrl-C (SIGINT) or SIGTERM stops all three.

`--only worker,beat` runs a subset (for example beside a web server run separately);
`--no-setup` skips the migration and the demo set-up.
"""

import os
import signal
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ops.supervisor import Supervisor

PROCESSES = ("web", "worker", "beat")
RESTARTED = frozenset({"worker", "beat"})


class Command(BaseCommand):
    help = "Migrate, set up the demo, then run web + worker + beat until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--only", default=",".join(PROCESSES), help="comma-separated: web, worker, beat")
        parser.add_argument("--no-setup", action="store_true", help="skip migrate and the demo set-up")

    def handle(self, *args, host: str, port: int, only: str, no_setup: bool, **options):
        names = [name.strip() for name in only.split(",") if name.strip()]
        unknown = sorted(set(names) - set(PROCESSES))
        if unknown or not names:
            raise CommandError(f"--only: choose among {', '.join(PROCESSES)} (got {only!r})")
        if not no_setup:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("ensure_demo", stdout=self.stdout)
        commands = {name: argv for name, argv in _commands(host, port).items() if name in names}
        supervisor = Supervisor(commands=commands, restart=RESTARTED, log=self._log)
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        supervisor.start()
        if "web" in commands:
            base = f"http://{host}:{port}"
            self.stdout.write(
                self.style.SUCCESS(
                    f"\nRunning (Ctrl-C stops everything):\n  site     {base}/\n  admin    {base}/admin/\n"
                    f"  survey   {base}/s/ddiq-2010/\n  health   {base}/healthz\n"
                )
            )
        exit_code = supervisor.run(lambda: stopping)
        *first, last = commands
        self.stdout.write(f"Stopped {', '.join(first)} and {last}." if first else f"Stopped {last}.")
        sys.exit(exit_code)

    def _log(self, message: str) -> None:
        self.stderr.write(message)
        self.stderr.flush()


def _commands(host: str, port: int) -> dict[str, list[str]]:
    bin_dir = os.path.dirname(sys.executable)
    schedule = str(settings.VAR_DIR / "celerybeat-schedule")
    return {
        "web": [os.path.join(bin_dir, "gunicorn"), "config.wsgi", "--bind", f"{host}:{port}",
                "--workers", "2", "--threads", "4", "--graceful-timeout", "5", "--access-logfile", "-",
                "--logger-class", "invitations.log_filters.RedactingGunicornLogger"],
        "worker": [os.path.join(bin_dir, "celery"), "-A", "config", "worker", "--loglevel", "INFO",
                   "--concurrency", "2"],
        "beat": [os.path.join(bin_dir, "celery"), "-A", "config", "beat", "--loglevel", "INFO",
                 "--schedule", schedule],
    }
