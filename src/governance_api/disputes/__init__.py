"""Disputes (矛盾纠纷): intake, 三查三问 screening, mediation and the escalation ladder."""
