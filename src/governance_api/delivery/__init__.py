"""Events out and reminders (DOMAIN §6): the ``governance-api worker`` process.

``fanout`` turns unpublished outbox rows into one webhook delivery per subscription that may see the
event, ``sending`` delivers them at least once (signed per Standard Webhooks, retried with backoff),
``reminders`` raises the overdue, confirmation-deadline and unanswered-filing notices once each, and
``runner`` loops over the three. The guarantees are written down in ``docs/delivery.md``."""
