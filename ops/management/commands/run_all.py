"""`make run`: web server, Celery worker and Celery beat together in the foreground.

Ctrl-C (SIGINT) or SIGTERM stops all three. Each child runs in its own process group
(gunicorn and Celery fork workers of their own); the launcher sends SIGTERM to each group,
waits up to ten seconds, then kills what is left of the group, so no process stays behind.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

GRACE_SECONDS = 10


class Command(BaseCommand):
    help = "Migrate, set up the demo, then run web + worker + beat until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(self, *args, host: str, port: int, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("ensure_demo", stdout=self.stdout)
        python = sys.executable
        bin_dir = os.path.dirname(python)
        schedule = str(settings.VAR_DIR / "celerybeat-schedule")
        commands = {
            "web": [os.path.join(bin_dir, "gunicorn"), "config.wsgi", "--bind", f"{host}:{port}",
                    "--workers", "2", "--threads", "4", "--graceful-timeout", "5", "--access-logfile", "-",
                    "--logger-class", "invitations.log_filters.RedactingGunicornLogger"],
            "worker": [os.path.join(bin_dir, "celery"), "-A", "config", "worker", "--loglevel", "INFO",
                       "--concurrency", "2"],
            "beat": [os.path.join(bin_dir, "celery"), "-A", "config", "beat", "--loglevel", "INFO",
                     "--schedule", schedule],
        }
        children = {name: subprocess.Popen(cmd, start_new_session=True) for name, cmd in commands.items()}
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        base = f"http://{host}:{port}"
        self.stdout.write(
            self.style.SUCCESS(
                f"\nRunning (Ctrl-C stops everything):\n  site     {base}/\n  admin    {base}/admin/\n"
                f"  survey   {base}/s/ddiq-2010/\n  health   {base}/healthz\n"
            )
        )
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(f"{name} exited with code {child.returncode}; stopping the others.")
                    stopping, exit_code = True, 1
            time.sleep(0.2)
        self._stop_all(children)
        sys.exit(exit_code)

    def _stop_all(self, children: dict[str, subprocess.Popen]) -> None:
        for child in children.values():
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            # Whatever the leader left behind (a worker still finishing) goes too.
            _signal_group(child, signal.SIGKILL)
            child.wait()
        self.stdout.write("Stopped web, worker and beat.")


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(child.pid, signum)
    except ProcessLookupError:
        pass
