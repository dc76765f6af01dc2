"""The test kit: every helper that more than one test module uses, in one place.

Fixtures live in `conftest.py` files (`tests/conftest.py`: the named actors, the demo
survey, the session worker; `tests/<app>/conftest.py`: what that app's tests share).
Everything else a test module needs from outside itself comes from here, and from nowhere
else: a test module never imports from another test module or from a conftest
(`tests/test_kit.py` checks it).

| module | what |
|---|---|
| `demo` | the demo survey's file and codes, and valid answer sets for it |
| `surveys` | small generated surveys (one question of every type) and their answers |
| `data` | responses submitted through the services, counted, or bulk-inserted |
| `counts` | the exactness check: count tables equal to the full recompute |
| `api` | the JSON intake API of the demo survey, as a test client posts to it |
| `form` | the respondent's form, page by page, as a browser posts it |
| `invitations` | invitees, their links and tokens, the API header that carries one |
| `admin` | what a browser would submit from an admin form |
| `browser` | Chromium's settings, selectors and the axe-core check |
| `commands` | `manage.py` in a subprocess, the project root |
| `workers` | Celery worker, beat, a private Redis and RabbitMQ virtual hosts for fault tests |
| `faults` | a TCP proxy that cuts connections |
| `waiting` | polling until a condition holds |
"""
