"""The static files' storage in production: WhiteNoise's compressed manifest storage, each
file's URL worked out once per process.

Every page names a dozen static files (`{% static %}`), and the manifest storage works each
URL out again on every call (the name split and cleaned, the manifest looked up, the URL
joined and unquoted): about a third of a respondent's page rendering (bench/README.md).
The manifest is read when the storage is made and does not change while the process runs
(`collectstatic` writes the next one for the next deploy), so neither do the URLs.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:  # collectstatic's own calls: never from the cache
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:
            url = self._urls[name] = super().url(name)
        return url
