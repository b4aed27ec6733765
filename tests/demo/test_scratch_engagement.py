from datetime import date
from collections import Counter
from joinedup.accounts.models import Area
from joinedup.cases.models import Contact, Enrolment, EngagementTerm
from joinedup.demo.cases import demo_cases_load
from joinedup.demo.generator import demo_data_build, demo_data_load
from joinedup.demo.plans import demo_plans_load
from joinedup.outcomes.selectors import highly_engaged
from tests.conftest import data_migrations_rerun

def test_scratch(db):
    data_migrations_rerun()
    data = demo_data_build(seed=2026, children=600)
    demo_data_load(data)
    s = demo_cases_load(data, as_of=date(2026, 11, 26))
    demo_plans_load(seed=2026, as_of=date(2026, 11, 26))
    total = engaged = 0
    for area in Area.objects.all():
        kids = set(Enrolment.objects.filter(child__area=area).values_list("child_id", flat=True))
        e = highly_engaged(area, kids)
        print(area.name, len(kids), len(e), round(len(e)/max(1,len(kids)),2))
        total += len(kids); engaged += len(e)
    print("ALL", total, engaged, engaged/total, "contacts", s.contacts, s.enrolments)
    last = {}
    for eid, d in Contact.objects.values_list("enrolment_id", "happened_on"):
        last[eid] = max(last.get(eid, d), d)
    gaps = Counter(min(6, (date(2026,11,26)-d).days // 7) for d in last.values())
    print("weeks since last contact", sorted(gaps.items()))
    print("weekend", Contact.objects.filter(happened_on__week_day__in=[1,7]).count())
