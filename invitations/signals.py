"""Signals for downstream apps, so that this app never imports them.

`invitations_erased` is sent with `invitation_ids` inside the transaction that erased
those invitations: `responses` blanks the personal data of their responses (the IP
address, the external id it copied, answers to e-mail and personal-data questions).
"""

from django.dispatch import Signal

invitations_erased = Signal()
