"""Raw response exports: one row per counted response, one column per question code.

Rows are the survey's complete, real (not test), not excluded responses that were
completed when the export was asked for (`ExportRecord.created_at`), so an export is the
same whenever its rows are read, and a response arriving meanwhile is simply not in it.
A response completed a moment ago and not yet counted is exported: the raw answers are the
truth, the count tables only a cache of them.

Columns: the response's own (`RESPONSE_COLUMNS`), one per hidden field of any exported
version (the respondent's value, empty without one), then one per question or `question.row`
code in page order; a multiple-choice question gets one 0/1 column per choice
(`barriers.roi`): 1 picked, 0 answered without it, empty when the question was not
answered or not shown; a matrix of several choices per row gets one such column per row
and choice (`usage.mail.daily`), empty when that row was not answered. Single, dropdown
and matrix cells hold the choice *code*. A
question that exists only in some versions still gets its columns: the newest version's
order first, then what only older versions have.

Personal data (answers to e-mail questions and to questions marked personal data) is
left out unless the export asks for it (`parameters["personal_data"]`, set from the
export form's "Include personal data" box): the ExportRecord then says who took it. A
question marked personal data in any exported version is left out of every version, so
that no column carries it for some respondents. Erased answers are empty cells.

Every text cell (answers, codes, ids, the header) goes through `safe_cell` against
spreadsheet formula injection; numbers, dates and empty cells are what it leaves alone.

Modules: `layout` (the columns), `rows` (the rows, in Python), `csv_rows` (CSV text, by
Python or PostgreSQL), `csv_stream` (the CSV download), `xlsx` (the worker-built file,
with its Codebook sheet), `codebook` (every variable's name, label, type, value labels and
missing values: what the XLSX's Codebook sheet, the .sav, the .dta and the codebook page
say), `statfiles` (the worker-built SPSS .sav and Stata .dta), `records` (the ExportRecord
of each export, and the build of a worker-built file).

CSV is streamed with flat memory (keyset pagination over responses, one query for a
chunk of responses and one for their answers; on PostgreSQL the database builds and
writes the rows itself, see results.exports.csv_rows); XLSX is built by a worker
(`build_xlsx_export_task`) into MEDIA_ROOT/exports and downloaded when ready.
"""
