"""Joint working at scale: the manager's duplication report, and the shared plan on both sides.

Targets (set for issue 7, which names none): with 2,000 shared cases whose plans are shared with Early Help and
have an Early Help plan beside them, the duplication report (every case compared) in under 2 s, and the
partner's shared plan page and our share page p95 <= 150 ms, as for the child's record (issue 5).

    .venv/bin/python -m bench.bench_joint [--cases 2000] [--requests 100]

Each child has our plan (three active goals, six open actions), two referrals to directory services and an
appointment; Early Help's plan has two goals (one in an area of ours), two actions (one repeating ours), two
services (one the same as a referral of ours) and an appointment overlapping ours; half the findings are resolved.
Pages are requested in process through Django's test client, signed in, with the audit log written as usual.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from bench.common import children_make, django_in_throwaway_database, machine_line, timings_line

DOMAINS = ("attendance", "emotional_wellbeing", "family_support")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=2_000, help="shared cases (default %(default)s)")
    parser.add_argument("--requests", type=int, default=100, help="requests of each page (default %(default)s)")
    parser.add_argument("--workdir", type=Path, help="reuse the database an earlier run left in this folder")
    options = parser.parse_args()
    workdir = django_in_throwaway_database("joinedup-bench-joint-", options.workdir)
    print(machine_line())
    print(f"database: {workdir / 'bench.sqlite3'}")
    from joinedup.joint.models import PlanShare

    if not PlanShare.objects.exists():
        t0 = time.perf_counter()
        build(options.cases)
        print(f"built {options.cases:,} shared cases: {time.perf_counter() - t0:.0f} s")
    measure(options.requests)


def build(cases: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from joinedup.accounts.models import Area, Membership, Organisation, Role, User
    from joinedup.cases.models import Enrolment, Goal, Plan, PlanAction, Referral
    from joinedup.directory.models import Organization, Service
    from joinedup.joint.comparison import case_findings
    from joinedup.joint.models import (
        Appointment,
        FindingResolution,
        PartnerAction,
        PartnerGoal,
        PartnerPlan,
        PartnerService,
        PlanShare,
    )
    from joinedup.sharing.models import DataSharingAgreement

    rng = random.Random(7)
    today = timezone.localdate()
    with transaction.atomic():
        area = Area.objects.create(name="Brent", ons_code="E09000005")
        programme = Organisation.objects.create(name="Link Programme", kind=Organisation.Kind.PROGRAMME)
        early_help = Organisation.objects.create(name="Brent Early Help", kind=Organisation.Kind.EARLY_HELP)
        school = Organisation.objects.create(name="Harrow Road Primary", kind=Organisation.Kind.SCHOOL, urn="100001")
        for organisation in (programme, early_help, school):
            organisation.areas.add(area)

        def member(email: str, organisation: Organisation, role: Role) -> Membership:
            user = User.objects.create_user(email, full_name=email.split("@")[0])
            return Membership.objects.create(user=user, organisation=organisation, area=area, role=role)

        manager = member("manager@bench.test", programme, Role.TEAM_MANAGER)
        practitioner = member("practitioner@bench.test", early_help, Role.PARTNER_PROFESSIONAL)
        workers = [member(f"lw{n}@bench.test", programme, Role.LINK_WORKER) for n in range(cases // 24 + 1)]
        agreement = DataSharingAgreement.objects.create(
            area=area,
            organisation=programme,
            partner=early_help,
            title="Shared cases",
            purpose="Joint working",
            lawful_basis="public_task",
            fields_we_send=["forenames", "surname", "date_of_birth"],
            fields_we_receive=["record_id", "forenames", "surname", "date_of_birth"],
            run_roles=["data_lead"],
            result_roles=["team_manager"],
            starts_on=today - timedelta(days=30),
            expires_on=today + timedelta(days=300),
            signed_off_name="Officer",
            signed_off_role="DPO",
            signed_off_at=timezone.now(),
        )
        provider = Organization.objects.create(id=str(uuid.uuid4()), name="Open Door", description="Support")
        services = [
            Service.objects.create(id=str(uuid.uuid4()), name=f"Service {n}", organization=provider, area=area)
            for n in range(20)
        ]
        children = children_make(cases, area=area, programme=programme, school=school, workers=workers, per_worker=24)
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(
                child=child,
                programme_organisation=programme,
                school=school,
                link_worker=child.link_worker,
                start_date=today - timedelta(days=200),
                planned_end_date=today + timedelta(days=530),
                stage="active_plan",
                at_risk_domains=["attendance", "emotional_wellbeing", "relationships"],
            )
            for child in children
        )
        plans = Plan.objects.bulk_create(Plan(enrolment=enrolment, version=5) for enrolment in enrolments)
        goals = Goal.objects.bulk_create(
            Goal(plan=plan, domain=domain, goal=f"Goal in {domain}", success="Better")
            for plan in plans
            for domain in DOMAINS
        )
        PlanAction.objects.bulk_create(
            PlanAction(
                plan_id=goal.plan_id,
                goal=goal,
                action=text,
                owner="link_worker",
                due_on=today + timedelta(days=rng.randint(1, 60)),
            )
            for goal in goals
            for text in ("Morning check-in at the school gate", "Call the family each week")
        )
        Referral.objects.bulk_create(
            Referral(enrolment=enrolment, service=service, status="started", reason="Support", sent_on=today)
            for enrolment in enrolments
            for service in rng.sample(services, 2)
        )
        shares = PlanShare.objects.bulk_create(
            PlanShare(
                child=child,
                shared_with=practitioner,
                partner=early_help,
                parts=list(PlanShare.Part.values),
                purpose="Joint working",
                expires_on=today + timedelta(days=90),
                agreement=agreement,
                created_by=child.link_worker,
            )
            for child in children
        )
        partner_plans = PartnerPlan.objects.bulk_create(
            PartnerPlan(child=child, organisation=early_help, area=area, next_review_on=today + timedelta(days=40))
            for child in children
        )
        PartnerGoal.objects.bulk_create(
            PartnerGoal(plan=plan, domain=domain, goal=f"Their goal in {domain}", owner_name="Kim")
            for plan in partner_plans
            for domain in ("attendance", "housing")
        )
        PartnerAction.objects.bulk_create(
            PartnerAction(plan=plan, domain=domain, action=text, owner_name="Kim", due_on=today + timedelta(days=20))
            for plan in partner_plans
            for domain, text in (("attendance", "Morning check-in at the school gate"), ("housing", "Chase the repair"))
        )
        PartnerService.objects.bulk_create(
            PartnerService(plan=plan, domain="family_support", name=name, provider=provider_name)
            for plan in partner_plans
            for name, provider_name in ((rng.choice(services).name, "Open Door"), ("Parenting course", "Family Hub"))
        )
        visit = timezone.make_aware(datetime.combine(today + timedelta(days=5), datetime.min.time())) + timedelta(
            hours=10
        )
        Appointment.objects.bulk_create(
            Appointment(
                child=child,
                organisation=organisation,
                starts_at=visit + timedelta(minutes=offset),
                minutes=60,
                what="Visit",
            )
            for child in children
            for organisation, offset in ((programme, 0), (early_help, 30))
        )
        resolutions = []
        for case in case_findings(partner_plans):
            for finding, _ in case.findings[::2]:
                resolutions.append(
                    FindingResolution(
                        child=case.child,
                        partner=early_help,
                        key=finding.key,
                        kind=finding.kind.value,
                        resolution="Agreed",
                        agreed_by=manager.user,
                        agreed_by_organisation=programme,
                    )
                )
        FindingResolution.objects.bulk_create(resolutions)
    print(f"  {len(shares):,} shares, {len(resolutions):,} resolutions")


def measure(requests: int) -> None:
    from django.test import Client

    from joinedup.accounts.models import Membership, Role, User
    from joinedup.joint.models import PlanShare
    from joinedup.joint.selectors import duplication_summary

    manager = Membership.objects.get(role=Role.TEAM_MANAGER)
    t0 = time.perf_counter()
    summary = duplication_summary(manager)
    print(
        f"duplication summary: {summary.compared:,} cases compared, {summary.findings:,} findings, "
        f"{summary.resolved:,} resolved, in {time.perf_counter() - t0:.2f} s"
    )
    client = Client()
    client.force_login(manager.user)
    report = []
    for _ in range(5):
        t0 = time.perf_counter()
        assert client.get("/joint/report/").status_code == 200
        report.append((time.perf_counter() - t0) * 1000)
    print(f"report page (5 requests): median {statistics.median(report) / 1000:.2f} s, max {max(report) / 1000:.2f} s")
    ids = list(PlanShare.objects.values_list("pk", flat=True))
    rng = random.Random(1)
    partner = Client()
    partner.force_login(User.objects.get(email="practitioner@bench.test"))
    timings = []
    for pk in rng.sample(ids, min(requests, len(ids))):
        t0 = time.perf_counter()
        assert partner.get(f"/joint/shared-plans/{pk}/").status_code == 200
        timings.append((time.perf_counter() - t0) * 1000)
    print(timings_line("partner's shared plan page", timings))
    timings = []
    for pk in rng.sample(ids, min(requests, len(ids))):
        t0 = time.perf_counter()
        assert client.get(f"/joint/shares/{pk}/").status_code == 200
        timings.append((time.perf_counter() - t0) * 1000)
    print(timings_line("our share page (team manager)", timings))


if __name__ == "__main__":
    main()
