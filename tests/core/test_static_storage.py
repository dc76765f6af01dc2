"""The production static storage (core.static_storage): WhiteNoise's URLs, each worked out
once per process."""

import json

from whitenoise.storage import CompressedManifestStaticFilesStorage

from core.static_storage import StaticFilesStorage

MANIFEST = {"paths": {"js/form.js": "js/form.0123abcd.js", "css/form.css": "css/form.4567ef01.css"},
            "version": "1.1", "hash": "x"}


def _storages(tmp_path):
    (tmp_path / "staticfiles.json").write_text(json.dumps(MANIFEST))
    return (StaticFilesStorage(location=str(tmp_path), base_url="/static/"),
            CompressedManifestStaticFilesStorage(location=str(tmp_path), base_url="/static/"))


def test_it_gives_whitenoises_urls(tmp_path, settings):
    settings.DEBUG = False
    ours, theirs = _storages(tmp_path)
    for name in ("js/form.js", "css/form.css", "js/form.js"):
        assert ours.url(name) == theirs.url(name)
    assert ours.url("js/form.js") == "/static/js/form.0123abcd.js"


def test_it_works_a_url_out_once_and_collectstatic_still_gets_it_afresh(tmp_path, settings):
    settings.DEBUG = False
    ours, _ = _storages(tmp_path)
    assert ours.url("js/form.js") == "/static/js/form.0123abcd.js"
    ours.hashed_files["js/form.js"] = "js/form.99999999.js"  # as if the manifest changed under it
    assert ours.url("js/form.js") == "/static/js/form.0123abcd.js"
    assert ours.url("js/form.js", force=True) == "/static/js/form.99999999.js"
