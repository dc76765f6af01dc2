"""Loads synthetic completed demo-survey responses straight into PostgreSQL.

Rows are generated inside the database (INSERT ... SELECT over generate_series with
random()), which is faster than streaming them through COPY from Python and gives the
same rows: the application's code is not involved in loading, only in counting and reading.
"""

from __future__ import annotations

import psycopg

CHANNELS = ["twitter", "facebook", "linkedin", "blogs", "video", "wikis", "communities"]


def ids(conn: psycopg.Connection) -> dict:
    """Question, row and choice ids of the open demo version, by code."""
    version_id, survey_id = conn.execute(
        "SELECT v.id, v.survey_id FROM surveys_surveyversion v JOIN surveys_survey s ON s.id = v.survey_id "
        "WHERE s.slug = 'ddiq-2010' AND v.status = 'open'"
    ).fetchone()
    questions = dict(conn.execute("SELECT code, id FROM surveys_question WHERE version_id = %s", [version_id]))
    choices: dict = {}
    for qcode, ccode, cid in conn.execute(
        "SELECT q.code, c.code, c.id FROM surveys_choice c JOIN surveys_question q ON q.id = c.question_id "
        "WHERE q.version_id = %s ORDER BY c.position", [version_id]
    ):
        choices.setdefault(qcode, {})[ccode] = cid
    rows = {}
    for qcode, rcode, rid in conn.execute(
        "SELECT q.code, r.code, r.id FROM surveys_matrixrow r JOIN surveys_question q ON q.id = r.question_id "
        "WHERE q.version_id = %s", [version_id]
    ):
        rows[(qcode, rcode)] = rid
    return {"version": version_id, "survey": survey_id, "questions": questions, "choices": choices, "rows": rows}


def load(dsn: str, count: int, *, partial_share: float = 0.0, excluded_share: float = 0.0) -> None:
    """Add `count` completed responses with answers to every question of the demo survey;
    with `partial_share`, that many more (as a share of `count`) partial responses with
    no answers, and with `excluded_share`, that share of the completed ones excluded."""
    with psycopg.connect(dsn, autocommit=False) as conn:
        # Synthetic rows reference only ids read above: skip the per-row foreign-key
        # triggers, which would otherwise check millions of rows at commit.
        conn.execute("SET session_replication_role = replica")
        x = ids(conn)
        conn.execute("CREATE TEMP TABLE batch (id uuid PRIMARY KEY) ON COMMIT DROP")
        conn.execute(
            "INSERT INTO batch SELECT gen_random_uuid() FROM generate_series(1, %s)", [count]
        )
        conn.execute(
            "INSERT INTO responses_response (id, survey_id, version_id, submission_id, status, is_test, "
            "answers_digest, resume_token_hash, current_page, started_at, updated_at, completed_at, "
            "exclusion_reason, external_id, hidden, ended_by, timed, honeypot, client_key, flags, display_order) "
            "SELECT b.id, %s, %s, gen_random_uuid(), 'complete', "
            "false, '', '', 0, now() - (random() * 30 + 0.01) * interval '1 day', now(), "
            "now() - random() * 30 * interval '1 day', '', '', '{}', '', false, false, '', '[]', '{}' FROM batch b",
            [x["survey"], x["version"]],
        )

        def single(code: str, row: str | None = None, weights: list[float] | None = None) -> None:
            choice_ids = list(x["choices"][code].values())
            qid = x["questions"][code]
            rid = x["rows"][(code, row)] if row else None
            conn.execute(
                "INSERT INTO responses_answer (response_id, question_id, row_id, choice_id) "
                "SELECT b.id, %s, %s, (%s::bigint[])[1 + floor(random() * %s)::int] FROM batch b",
                [qid, rid, choice_ids, len(choice_ids)],
            )

        for code in ("role", "seniority", "industry", "revenue"):
            single(code)
        for channel in CHANNELS:
            single("company_usage", channel)
            single("personal_use", channel)
        for code, share in (("barriers", 0.3),):
            for choice, cid in x["choices"][code].items():
                if choice == "no_barriers":
                    continue
                conn.execute(
                    "INSERT INTO responses_answer (response_id, question_id, choice_id) "
                    "SELECT b.id, %s, %s FROM batch b WHERE random() < %s",
                    [x["questions"][code], cid, share],
                )
        never = x["choices"]["personal_use"]["never"]
        for cid in x["choices"]["twitter_uses"].values():
            conn.execute(
                "INSERT INTO responses_answer (response_id, question_id, choice_id) "
                "SELECT a.response_id, %s, %s FROM responses_answer a JOIN batch b ON b.id = a.response_id "
                "WHERE a.question_id = %s AND a.row_id = %s AND a.choice_id <> %s AND random() < 0.4",
                [x["questions"]["twitter_uses"], cid, x["questions"]["personal_use"],
                 x["rows"][("personal_use", "twitter")], never],
            )
        if partial_share:
            conn.execute(
                "INSERT INTO responses_response (id, survey_id, version_id, submission_id, status, is_test, "
                "answers_digest, resume_token_hash, current_page, started_at, updated_at, completed_at, "
                "exclusion_reason, external_id, hidden, ended_by, timed, honeypot, client_key, flags, display_order) "
                "SELECT gen_random_uuid(), %s, %s, gen_random_uuid(), 'partial', false, '', '', 1, "
                "now() - random() * 30 * interval '1 day', now(), NULL, '', '', '{}', '', false, false, '', '[]', '{}' "
                "FROM generate_series(1, %s)",
                [x["survey"], x["version"], round(count * partial_share)],
            )
        if excluded_share:
            conn.execute(
                "UPDATE responses_response SET excluded_at = now(), exclusion_reason = 'synthetic' "
                "WHERE id IN (SELECT id FROM batch LIMIT %s)",
                [round(count * excluded_share)],
            )
        conn.commit()
        # As autovacuum would soon after such a load: statistics for the planner, and the
        # visibility map that lets index-only scans skip the table.
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE responses_response")
        conn.execute("VACUUM ANALYZE responses_answer")
