import random, time, pytest, cProfile, pstats
from tests.analytics.bulk import bulk_responses
from tests.analytics.factories import demo_answers

@pytest.mark.django_db
def test_prof(client, viewer, demo_survey):
    demo_survey.viewers.add(viewer); client.force_login(viewer)
    rng = random.Random(1)
    bulk_responses(demo_survey, [demo_answers(rng) for _ in range(60)])
    for u in ["/results/ddiq-2010/questions/seniority/", "/results/ddiq-2010/questions/seniority/", "/results/ddiq-2010/questions/personal_use/"]:
        t = time.time(); client.get(u); print(u, time.time() - t)
    pr = cProfile.Profile(); pr.enable(); client.get("/results/ddiq-2010/questions/seniority/"); pr.disable()
    pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
