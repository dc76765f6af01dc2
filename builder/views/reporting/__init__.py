"""The findings page of a survey (/build/<slug>/findings/): its findings (headline
numbers with a live preview of today's counts), the NETs of its choice questions and its
saved crosstab views, all survey-level and editable while a version is open.

`page` shows the page and makes its forms (a finding's base and target are condition
pickers, builder.views.conditions); `findings`, `nets` and `saved_views` take its POSTs
(each through `builder.access.editable_survey`) and its htmx requests; `preview` counts
a finding not saved yet.
"""
