import os

from django.core.wsgi import get_wsgi_application

from config.env import EnvError, exit_on_env_error

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

try:
    application = get_wsgi_application()
except EnvError as exc:
    exit_on_env_error(exc)
