"""The annual evaluation (总结评估) of each community, DOMAIN §4.7: a third state machine."""
