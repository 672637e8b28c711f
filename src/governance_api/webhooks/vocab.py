"""The webhooks package's closed vocabularies and fixed numbers."""

from governance_api.core.vocab import Labelled
from governance_api.roles import Role


class DeliveryStatus(Labelled):
    """Where a delivery stands: waiting for its next attempt, received by the endpoint, or given up."""

    pending = "pending", "待投递"
    delivered = "delivered", "已送达"
    failed = "failed", "投递失败"


# Who may keep webhook subscriptions (DOMAIN §6): the platform's administrator, the 司法所 and the
# feeds. What each receives is the worker's rule (``delivery.audience``), said in ``WebhookCreate``.
SUBSCRIBER_ROLES = (Role.admin, Role.judicial_officer, Role.integration_client)
MAX_URL_LENGTH = 2000  # the column's width
