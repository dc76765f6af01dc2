"""The respondent's HTML form: one page at a time, each page saved as a partial response,
the last one completed through `response_submit` (the one way a response becomes
complete, shared with the JSON API).

Public at /s/<slug>/ on the open version (`public`); the same flow runs for staff as a
test mode preview of any version at /s/<slug>/preview/<version_id>/ (`preview`), whose
responses are marked `is_test` and never counted. A respondent's partial response is
found through a resume token kept in a cookie (and shown as a link): responses carry no
account.

An invitee answers at /i/<token>/, their personal link (`invitation`): their one response
is found through the invitation (no cookie), so the same link resumes it from any
browser, and once it is complete the link says so. Panel respondents (invitees with an
external id) are sent to the survey's completion redirect after the last page, and to
its screen-out redirect when they arrive after the survey closed or filled up.

The three share `flow` (where a run happens and which response it continues) and `run`
(the pages themselves).
"""
