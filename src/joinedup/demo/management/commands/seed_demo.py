from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from joinedup.demo.cases import demo_cases_load, demo_cases_loaded
from joinedup.demo.directory import demo_directory_build, demo_directory_load, demo_directory_loaded
from joinedup.demo.generator import (
    DEFAULT_CHILDREN,
    DEFAULT_SEED,
    DemoData,
    DemoDataConflict,
    database_has_other_data,
    demo_data_build,
    demo_data_load,
    demo_data_loaded,
)
from joinedup.demo.identification import demo_identification_load, demo_identification_loaded
from joinedup.demo.joint import demo_joint_load, demo_joint_loaded
from joinedup.demo.outcomes import demo_outcomes_load, demo_outcomes_loaded
from joinedup.demo.plans import demo_plans_load, demo_plans_loaded
from joinedup.demo.safeguarding import demo_safeguarding_load, demo_safeguarding_loaded
from joinedup.demo.sharing import demo_sharing_load, demo_sharing_loaded


class Command(BaseCommand):
    help = (
        "Load the synthetic demo data: four West London boroughs, their schools and partners, staff for every "
        "role, families with children, a directory of about 1,500 local services, and screening data for every "
        "school (about 12,000 pupils) with its identification run, safeguarding concerns at every stage, and each "
        "enrolled child's measurements with an outcomes contract per borough. The same seed always gives the "
        "same data. Does nothing if the demo data is already loaded."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Seed of the demo data (default: %(default)s)."
        )
        parser.add_argument(
            "--children", type=int, default=DEFAULT_CHILDREN, help="How many children to create (default: %(default)s)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though the database already holds organisations or children that are not demo data.",
        )

    def handle(self, *args: Any, seed: int, children: int, force: bool, **options: Any) -> None:
        if children < 1:
            raise CommandError(f"--children must be at least 1, not {children}.")
        loaded = demo_data_loaded()
        if loaded is not None:
            # Loading twice would duplicate every child; a second run is a harmless no-op instead.
            described = f" (seed {loaded.seed}, {loaded.children} children)" if loaded.seed is not None else ""
            self.stdout.write(f"The demo data is already loaded{described}; nothing to do.")
            if loaded.seed is not None and loaded.seed != seed:
                self.stdout.write(f"To load seed {seed} instead, start from an empty database.")
            if loaded.seed is not None and not demo_directory_loaded():
                # Demo data loaded before the directory existed: add the directory that goes with its seed.
                self.stdout.write("Adding the demo service directory, which this database does not have yet:")
                self.stdout.write(self._load_directory(demo_data_build(seed=loaded.seed, children=1)))
            if loaded.seed is not None and not demo_identification_loaded():
                self.stdout.write(
                    "Adding the demo screening data and school lists, which this database does not have yet:"
                )
                data = demo_data_build(seed=loaded.seed, children=loaded.children or DEFAULT_CHILDREN)
                self.stdout.write(self._load_identification(data))
            if loaded.seed is not None and not demo_cases_loaded():
                self.stdout.write("Enrolling the demo children, which this database has not done yet:")
                data = demo_data_build(seed=loaded.seed, children=loaded.children or DEFAULT_CHILDREN)
                self.stdout.write(self._load_cases(data))
            elif loaded.seed is not None and not demo_plans_loaded():
                self.stdout.write("Adding plans, referrals and partner sessions, which this database lacks:")
                self.stdout.write(self._load_plans(loaded.seed))
            if loaded.seed is not None and not demo_sharing_loaded():
                self.stdout.write("Adding the Early Help agreements and shared cases, which this database lacks:")
                self.stdout.write(self._load_sharing(loaded.seed))
            if loaded.seed is not None and not demo_joint_loaded():
                self.stdout.write(
                    "Adding shared plans, joint meetings and the partnership map, which this database lacks:"
                )
                self.stdout.write(self._load_joint(loaded.seed))
            if loaded.seed is not None and not demo_safeguarding_loaded():
                self.stdout.write("Adding safeguarding settings, front doors and concerns, which this database lacks:")
                self.stdout.write(self._load_safeguarding(loaded.seed))
            if loaded.seed is not None and not demo_outcomes_loaded():
                self.stdout.write("Adding measurements and outcomes contracts, which this database lacks:")
                self.stdout.write(self._load_outcomes(loaded.seed))
            return
        if database_has_other_data() and not force:
            raise CommandError(
                "This database already holds organisations or children that are not demo data, and the demo would "
                "mix synthetic children in with them. Use an empty database (set DATABASE_URL), or pass --force "
                "if you are sure."
            )

        started = time.monotonic()
        data = demo_data_build(seed=seed, children=children)
        try:
            summary = demo_data_load(data)
        except DemoDataConflict as error:
            raise CommandError(str(error)) from error
        directory = self._load_directory(data)
        identification = self._load_identification(data)
        cases = self._load_cases(data)
        sharing = self._load_sharing(seed)
        joint = self._load_joint(seed)
        safeguarding = self._load_safeguarding(seed)
        outcomes = self._load_outcomes(seed)
        seconds = time.monotonic() - started

        self.stdout.write(self.style.SUCCESS(f"Loaded the synthetic demo data (seed {seed}) in {seconds:.1f} s:"))
        self.stdout.write(f"  {summary.areas} boroughs")
        self.stdout.write(
            f"  {summary.organisations} organisations ({summary.schools} schools, "
            f"{summary.delivery_partners} delivery partners)"
        )
        self.stdout.write(
            f"  {summary.users} people with {summary.memberships} memberships ({summary.link_workers} link workers)"
        )
        self.stdout.write(f"  {summary.families} families with {summary.adults} adults")
        self.stdout.write(
            f"  {summary.children} children, {summary.children_with_link_worker} of them with a link worker"
        )
        self.stdout.write(directory)
        self.stdout.write(identification)
        self.stdout.write(cases)
        self.stdout.write(sharing)
        self.stdout.write(joint)
        self.stdout.write(safeguarding)
        self.stdout.write(outcomes)

    def _load_cases(self, data: DemoData) -> str:
        """Enrol the demo's children with their Link Workers; returns a line for the summary."""
        result = demo_cases_load(data, as_of=timezone.localdate())
        enrolled = f"  {result.enrolments:,} children enrolled, with {result.contacts:,} contacts recorded"
        return f"{enrolled}\n{self._load_plans(data.seed)}"

    def _load_plans(self, seed: int) -> str:
        """Plans, reviews, referrals and partner sessions for every enrolment; returns a line for the summary."""
        result = demo_plans_load(seed=seed, as_of=timezone.localdate())
        return (
            f"  {result.plans:,} plans with {result.reviews:,} reviews; {result.referrals:,} referrals "
            f"with {result.sessions:,} partner sessions"
        )

    def _load_sharing(self, seed: int) -> str:
        """An agreement with each borough's Early Help team, its caseload matched and partly reviewed."""
        result = demo_sharing_load(seed=seed, as_of=timezone.localdate())
        return (
            f"  {result.agreements} data-sharing agreements with Early Help; {result.runs} caseloads matched: "
            f"{result.shared_cases:,} shared cases, {result.to_review:,} pairs to review"
        )

    def _load_joint(self, seed: int) -> str:
        """Plans shared with Early Help both ways, duplication found and partly resolved, meetings, the map."""
        result = demo_joint_load(seed=seed, as_of=timezone.localdate())
        return (
            f"  {result.shares} plans shared with Early Help, {result.partner_plans} Early Help plans beside them: "
            f"{result.findings} overlaps or gaps found, {result.resolved} resolved; {result.meetings} joint "
            f"meetings; {result.map_entries} partnership map entries"
        )

    def _load_safeguarding(self, seed: int) -> str:
        """Each borough's safeguarding settings and front doors, and concerns at every stage; no email is sent."""
        result = demo_safeguarding_load(seed=seed, as_of=timezone.localdate())
        return (
            f"  {result.concerns} safeguarding concerns ({result.contexts} about a peer group, place or online "
            f"space), {result.awaiting_decision} awaiting a decision; {result.referrals} referrals to "
            f"{result.front_doors} front doors, {result.outcomes} with an outcome; {result.overdue} steps overdue"
        )

    def _load_outcomes(self, seed: int) -> str:
        """Every enrolled child measured term by term, where each stands, and each borough's outcomes contract."""
        result = demo_outcomes_load(seed=seed, as_of=timezone.localdate())
        cleared = f"{result.cleared:,} of {result.targeted:,}" if result.targeted else "none"
        return (
            f"  {result.measurements:,} measurements of {result.children:,} children: {cleared} at risk at baseline "
            f"no longer at risk on at least one measure, {result.worsened:,} reliably worse on one; "
            f"{result.contracts} outcomes contracts with {result.rates} rates"
        )

    def _load_identification(self, data: DemoData) -> str:
        """Screen every demo school's pupils and agree some lists; returns a line for the summary."""
        result = demo_identification_load(data)
        return (
            f"  {result.pupils:,} pupils screened, {result.proposed:,} proposed, "
            f"{result.agreed_schools} school lists agreed, in {result.seconds:.1f} s"
        )

    def _load_directory(self, data: DemoData) -> str:
        """Load the demo service directory for ``data``; returns a line for the summary."""
        # Dated from today, so verification dates and course start dates look current.
        result = demo_directory_load(demo_directory_build(data, as_of=timezone.localdate()))
        return (
            f"  {result.services:,} services in the directory ({result.profiles:,} with local details), "
            f"loaded in {result.seconds:.1f} s"
        )
