from __future__ import annotations

from joinedup.core.forms import GovukModelForm
from joinedup.privacy.models import RetentionRule


class RetentionRuleForm(GovukModelForm):
    class Meta:
        model = RetentionRule
        fields = ["archive_after_months", "erase_at_age"]
        labels = {
            "archive_after_months": "Archive a record this many months after the child's last enrolment closed",
            "erase_at_age": "Erase an archived record when the child reaches this age",
        }
