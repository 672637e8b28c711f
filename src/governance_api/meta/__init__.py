"""Self-description: the state machines as the service enforces them."""
