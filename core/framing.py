"""Pages the app may show inside its own frames.

Every page refuses to be framed (config/settings.py: `X-Frame-Options: DENY` and CSP
`frame-ancestors` refusing every origin), so that no other site can overlay it to steal clicks. The
builder's preview shows test mode and the structure preview in iframes of its own page:
only those views loosen both headers, and only to the app's own origin. Both headers,
because a browser that ignores one still reads the other.
"""

from __future__ import annotations

from collections.abc import Callable

from csp.constants import SELF
from csp.decorators import csp_replace
from django.views.decorators.clickjacking import xframe_options_sameorigin


def framed_by_app(view: Callable) -> Callable:
    """Let pages of this origin (and only them) show `view` in a frame. Put it outermost,
    so that its redirects (to the next page of a form) carry the headers too."""
    return xframe_options_sameorigin(csp_replace({"frame-ancestors": [SELF]})(view))
