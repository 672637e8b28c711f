"""The event types a webhook subscription may ask for (API.md "Integration"), versioned in the
name: a payload that changes shape gets a new ``.v2`` type, never a changed ``.v1``."""

from governance_api.core.vocab import Labelled


class EventType(Labelled):
    dispute_created = "governance.dispute.created.v1", "矛盾纠纷登记"
    dispute_transitioned = "governance.dispute.transitioned.v1", "矛盾纠纷流转"
    dispute_early_warning = "governance.dispute.early_warning.v1", "矛盾纠纷预警"
    dispute_overdue = "governance.dispute.overdue.v1", "矛盾纠纷超期"
    decision_transitioned = "governance.decision.transitioned.v1", "重大决策流转"
    decision_filing_created = "governance.decision.filing_created.v1", "决策报备"
    # Not in API.md's list: the reminder of DOMAIN §6 for a 报备 left unanswered needs a type of
    # its own (a filing_created event means something else to a receiver).
    decision_filing_unanswered = "governance.decision.filing_unanswered.v1", "决策报备未答复提醒"
    cluster_warning = "governance.cluster_warning.v1", "类案聚集预警"
    agreement_confirmation_deadline = "governance.agreement.confirmation_deadline.v1", "司法确认申请期限提醒"
