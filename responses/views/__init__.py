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

Each page has its own URL, /s/<slug>/p/<n>/, /i/<token>/p/<n>/ and
/s/<slug>/preview/<version_id>/p/<n>/, where n is the page's number in the definition
(from 1), not among the pages shown: a page keeps its URL when answers hide an earlier
one, so the browser's history stays valid (the progress line counts the shown pages).
A posted page redirects to the next page's URL, so Back and Forward move between pages.
The survey's own link sends the respondent to the page where they are, welcoming back
one who returns; the server decides which page may be opened (`navigation.page_to_open`).
"Save and continue later" saves the page as it is and shows the way back (`saved`).

The three share `flow` (where a run happens and which response it continues) and `run`
(the pages themselves).
"""
