"""Signals for downstream apps, so that this app never imports them.

`invitations_erased` is sent with `invitation_ids` inside the transaction that erased
those invitations: `responses` clears the external id it copied onto their responses.
"""

from django.dispatch import Signal

invitations_erased = Signal()
