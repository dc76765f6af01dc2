"""bench/form's WSGI application: the app's, with the experiments of BENCH_EXPERIMENTS
applied (bench/experiments.py; never for production)."""

from bench.experiments import apply, requested
from config.wsgi import application

apply(requested())

__all__ = ["application"]
