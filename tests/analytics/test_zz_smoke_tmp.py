import pytest
from tests.analytics.dataset import build_it_population, answers, submit_and_count

pytestmark = pytest.mark.django_db

def test_smoke(client, viewer, demo_survey):
    demo_survey.viewers.add(viewer)
    client.force_login(viewer)
    build_it_population(demo_survey, it=40, it_never=25, it_company_none=10, business=35)
    for url in ["/results/ddiq-2010/", "/results/ddiq-2010/questions/", "/results/ddiq-2010/questions/personal_use/",
                "/results/ddiq-2010/questions/barriers/", "/results/ddiq-2010/questions/comments/", "/results/ddiq-2010/compare/",
                "/results/ddiq-2010/crosstab/?row=personal_use.twitter&col=company_usage.twitter&segment=role:it",
                "/results/methods/", "/results/ddiq-2010/version/", "/results/ddiq-2010/?from=2000-01-01&segment=role:it",
                "/results/ddiq-2010/questions/?from=2000-01-01",
                "/results/ddiq-2010/questions/?format=csv", "/results/ddiq-2010/questions/?format=xlsx",
                "/results/ddiq-2010/crosstab/?row=personal_use.twitter&col=company_usage.twitter&format=csv",
                "/results/ddiq-2010/?format=csv", "/results/ddiq-2010/compare/?format=csv"]:
        r = client.get(url)
        print(url, r.status_code, len(r.content))
        assert r.status_code == 200, r.content[:3000]
    open("/tmp/smoke/overview.html", "wb").write(client.get("/results/ddiq-2010/").content)
    open("/tmp/smoke/q.html", "wb").write(client.get("/results/ddiq-2010/questions/personal_use/").content)
    open("/tmp/smoke/x.html", "wb").write(client.get("/results/ddiq-2010/crosstab/?row=personal_use.twitter&col=company_usage.twitter&segment=role:it").content)
    print(client.get("/results/ddiq-2010/questions/?format=csv").content.decode()[:3000])
