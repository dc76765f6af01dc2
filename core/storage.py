"""Static files with hashed names (WhiteNoise's compressed manifest), their URLs kept.

Every `{% static %}` asks the storage for the URL, which splits, looks up the manifest,
joins and unquotes again: about 0.05 ms each, and a form page carries a dozen (its
scripts, the stylesheet), so 2 ms of CPU per complete response. The manifest is read
once per process and does not change under it, so neither does a name's URL; only
collectstatic, which writes a new manifest, forgets them.
"""

from __future__ import annotations

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class CachedUrlManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force or settings.DEBUG:  # unhashed names while debugging, as the parent gives
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:  # a name missing from the manifest raises, and is asked again next time
            url = self._urls[name] = super().url(name)
        return url

    def post_process(self, *args, **kwargs):
        yield from super().post_process(*args, **kwargs)
        self._urls.clear()  # the manifest just changed
