"""Signals that let downstream apps (analytics) keep their caches exact without this app
importing them. They are sent inside the transaction that changes the response, so a
receiver's writes commit or roll back together with the change."""

from django.dispatch import Signal

# Sent with `response` (locked with SELECT ... FOR UPDATE) just after it was marked
# excluded (`excluded_at` set), restored (`excluded_at` cleared), or before it is deleted.
response_excluded = Signal()
response_restored = Signal()
response_deleting = Signal()

# Sent with `response` when a partial response is created (its first page saved), and
# when a partial response has just been completed.
response_started = Signal()
response_completed = Signal()

# Sent with `response` (its row locked, `current_page` its new page) and `from_page` (the
# page it was on, read under that lock) when a partial response moved to another page.
response_moved = Signal()

# Sent with `response` when it has ended (complete, screened out, quota full) and taken its
# number (`completed_seq`), inside the completion's transaction; only for surveys that have
# outside listeners (responses.sequence).
response_ended = Signal()

# Sent with `survey_ids` and `question_ids` when answers to those questions were blanked
# by an erasure: the rows stay (bases and counts do not move), but a finding whose
# condition compares such a text answer must be recomputed.
answers_erased = Signal()

# Sent with `response` (locked) just before and just after its hidden values change (an
# erasure drops those copied from the invitee list): a hidden field with `values` is a
# results segment, so a counted response's counts move with them.
hidden_values_changing = Signal()
hidden_values_changed = Signal()
