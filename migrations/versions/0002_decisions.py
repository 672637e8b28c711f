"""decisions: catalog (with versions and the 13 default entries), residents-meeting rule data,
decisions and their sub-records.

Revision ID: 0002_decisions
Revises: 0001_foundation
"""

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision: str = "0002_decisions"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEEDED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
_NS = uuid.UUID("5b1c3a52-5c0e-4c4f-9a55-1f0d7c1e0d02")

# DOMAIN.md §2.1: (code, name, category, consensus_rule, amount_threshold)
DEFAULT_CATALOG = [
    ("major_project", "小区重大实事工程建设", "project", "owners_special", None),
    ("elevator_installation", "加装电梯", "project", "owners_special", None),
    ("public_space_use", "架空层等公共空间的整治与利用", "public_space", "owners_special", None),
    ("maintenance_fund_raise", "筹集公共维修资金", "funds", "owners_special", None),
    ("maintenance_fund_use", "公共维修资金使用", "funds", "owners_ordinary", Decimal("50000.00")),
    ("property_fee_adjustment", "物业费调价", "funds", "owners_ordinary", None),
    ("covenant_revision", "《业主管理规约》修订", "rules", "owners_ordinary", None),
    ("election_rules_change", "业委会选举规则变更", "rules", "owners_ordinary", None),
    ("parking_management", "机动车停车管理", "public_space", "owners_ordinary", None),
    ("corridor_clearance", "楼道堆物集中整治", "safety", "consultation", None),
    ("ebike_management", "电动自行车管理", "safety", "consultation", None),
    ("residents_convention", "居民公约的制定和修改", "rules", "residents_meeting", None),
    ("stability_risk", "影响居民区社会安全稳定的重大问题", "safety", "consultation", None),
]


def upgrade() -> None:
    op.create_table(
        "decision_catalog",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("consensus_rule", sa.String(length=20), nullable=False),
        sa.Column("amount_threshold", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("departments", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_catalog")),
        sa.UniqueConstraint("code", name=op.f("uq_decision_catalog_code")),
    )
    op.create_table(
        "residents_meeting_rules",
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("quorum_num", sa.Integer(), nullable=False),
        sa.Column("quorum_den", sa.Integer(), nullable=False),
        sa.Column("quorum_strict", sa.Boolean(), nullable=False),
        sa.Column("majority_num", sa.Integer(), nullable=False),
        sa.Column("majority_den", sa.Integer(), nullable=False),
        sa.Column("majority_strict", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.String(length=400), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_residents_meeting_rules")),
        sa.UniqueConstraint("effective_from", name=op.f("uq_residents_meeting_rules_effective_from")),
    )
    op.create_table(
        "decision_catalog_versions",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("consensus_rule", sa.String(length=20), nullable=False),
        sa.Column("amount_threshold", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("departments", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_decision_catalog_versions_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_catalog_versions")),
        sa.UniqueConstraint("code", "version", name=op.f("uq_decision_catalog_versions_code_version")),
    )
    with op.batch_alter_table("decision_catalog_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_catalog_versions_code"), ["code"], unique=False)

    op.create_table(
        "decisions",
        sa.Column("street_id", sa.Uuid(), nullable=False),
        sa.Column("catalog_code", sa.String(length=64), nullable=False),
        sa.Column("catalog_version", sa.Integer(), nullable=False),
        sa.Column("consensus_rule", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("plan", sa.Text(), nullable=True),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("schedule", sa.Text(), nullable=True),
        sa.Column("total_area_m2", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("total_owners", sa.Integer(), nullable=True),
        sa.Column("eligible_residents", sa.Integer(), nullable=True),
        sa.Column("consultation_round", sa.Integer(), nullable=False),
        sa.Column("filing_round", sa.Integer(), nullable=False),
        sa.Column("review_conclusion", sa.String(length=40), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("typical_case", sa.Boolean(), nullable=False),
        sa.Column("typical_case_note", sa.Text(), nullable=True),
        sa.Column("typical_case_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("scope_path", sa.String(length=400), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_decisions_created_by_id_users")),
        sa.ForeignKeyConstraint(["org_unit_id"], ["org_units.id"], name=op.f("fk_decisions_org_unit_id_org_units")),
        sa.ForeignKeyConstraint(["street_id"], ["org_units.id"], name=op.f("fk_decisions_street_id_org_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decisions_catalog_code"), ["catalog_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_decisions_org_unit_id"), ["org_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decisions_scope_path"), ["scope_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_decisions_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_decisions_typical_case"), ["typical_case"], unique=False)

    op.create_table(
        "decision_ballots",
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("unit_ref", sa.String(length=100), nullable=False),
        sa.Column("owner_ref", sa.String(length=100), nullable=True),
        sa.Column("area_m2", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("choice", sa.String(length=10), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_decision_ballots_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_decision_ballots_decision_id_decisions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_ballots")),
        sa.UniqueConstraint(
            "decision_id", "round", "unit_ref", name=op.f("uq_decision_ballots_decision_id_round_unit_ref")
        ),
    )
    with op.batch_alter_table("decision_ballots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_ballots_decision_id"), ["decision_id"], unique=False)

    op.create_table(
        "decision_filings",
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("target_role", sa.String(length=40), nullable=False),
        sa.Column("target_org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("target_path", sa.String(length=400), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("response", sa.String(length=20), nullable=True),
        sa.Column("opinion", sa.Text(), nullable=True),
        sa.Column("responded_by_id", sa.Uuid(), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_decision_filings_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_decision_filings_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["responded_by_id"], ["users.id"], name=op.f("fk_decision_filings_responded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["target_org_unit_id"], ["org_units.id"], name=op.f("fk_decision_filings_target_org_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_filings")),
    )
    with op.batch_alter_table("decision_filings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_filings_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_filings_target_path"), ["target_path"], unique=False)

    op.create_table(
        "decision_legal_opinions",
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("author_role", sa.String(length=40), nullable=False),
        sa.Column("author_name", sa.String(length=100), nullable=False),
        sa.Column("conclusion", sa.String(length=30), nullable=False),
        sa.Column("opinion", sa.Text(), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_decision_legal_opinions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_decision_legal_opinions_decision_id_decisions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_legal_opinions")),
    )
    with op.batch_alter_table("decision_legal_opinions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_legal_opinions_decision_id"), ["decision_id"], unique=False)

    op.create_table(
        "decision_meetings",
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=False),
        sa.Column("votes_for", sa.Integer(), nullable=False),
        sa.Column("votes_against", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_decision_meetings_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_decision_meetings_decision_id_decisions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_meetings")),
    )
    with op.batch_alter_table("decision_meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_meetings_decision_id"), ["decision_id"], unique=False)

    op.create_table(
        "decision_notes",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=True),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_decision_notes_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_decision_notes_decision_id_decisions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_notes")),
    )
    with op.batch_alter_table("decision_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_notes_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_notes_kind"), ["kind"], unique=False)

    op.create_table(
        "decision_review_conditions",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.Column("met_note", sa.Text(), nullable=True),
        sa.Column("met_by_id", sa.Uuid(), nullable=True),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_decision_review_conditions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_decision_review_conditions_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["met_by_id"], ["users.id"], name=op.f("fk_decision_review_conditions_met_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_review_conditions")),
    )
    with op.batch_alter_table("decision_review_conditions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_review_conditions_decision_id"), ["decision_id"], unique=False)
    _seed()


def _seed() -> None:
    entry_cols = ["code", "name", "category", "consensus_rule", "amount_threshold", "departments", "active"]
    entries = sa.table(
        "decision_catalog",
        sa.column("id", sa.Uuid()),
        *[sa.column(c) for c in entry_cols[:4]],
        sa.column("amount_threshold", sa.Numeric(14, 2)),
        sa.column("departments", sa.JSON()),
        sa.column("active", sa.Boolean()),
        sa.column("version", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    versions = sa.table(
        "decision_catalog_versions",
        sa.column("id", sa.Uuid()),
        *[sa.column(c) for c in entry_cols[:4]],
        sa.column("amount_threshold", sa.Numeric(14, 2)),
        sa.column("departments", sa.JSON()),
        sa.column("active", sa.Boolean()),
        sa.column("version", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    rows = [
        {
            "code": c,
            "name": n,
            "category": cat,
            "consensus_rule": r,
            "amount_threshold": t,
            "departments": [],
            "active": True,
            "version": 1,
            "created_at": SEEDED_AT,
        }
        for c, n, cat, r, t in DEFAULT_CATALOG
    ]
    op.bulk_insert(entries, [row | {"id": uuid.uuid5(_NS, row["code"]), "updated_at": SEEDED_AT} for row in rows])
    op.bulk_insert(versions, [row | {"id": uuid.uuid5(_NS, row["code"] + "@1")} for row in rows])
    rules = sa.table(
        "residents_meeting_rules",
        sa.column("id", sa.Uuid()),
        sa.column("effective_from", sa.Date()),
        sa.column("quorum_num", sa.Integer()),
        sa.column("quorum_den", sa.Integer()),
        sa.column("quorum_strict", sa.Boolean()),
        sa.column("majority_num", sa.Integer()),
        sa.column("majority_den", sa.Integer()),
        sa.column("majority_strict", sa.Boolean()),
        sa.column("basis", sa.String()),
    )
    # 城市居民委员会组织法 (1989, in force 1990-01-01; text unchanged by the 2018 amendment) art. 10:
    # 居民会议 needs more than half of the residents (or household representatives) present, and
    # decisions pass with more than half of those present. A row for the 2025 revision (in force
    # 2026-01-01) is added as data once its text is checked.
    op.bulk_insert(
        rules,
        [
            {
                "id": uuid.uuid5(_NS, "residents_meeting@1990-01-01"),
                "effective_from": dt.date(1990, 1, 1),
                "quorum_num": 1,
                "quorum_den": 2,
                "quorum_strict": True,
                "majority_num": 1,
                "majority_den": 2,
                "majority_strict": True,
                "basis": (
                    "城市居民委员会组织法(2018年修正)第十条:"
                    "居民会议须有过半数居民或户代表参加,决定须经到会人员过半数通过"
                ),
            }
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("decision_review_conditions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_review_conditions_decision_id"))

    op.drop_table("decision_review_conditions")
    with op.batch_alter_table("decision_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_notes_kind"))
        batch_op.drop_index(batch_op.f("ix_decision_notes_decision_id"))

    op.drop_table("decision_notes")
    with op.batch_alter_table("decision_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_meetings_decision_id"))

    op.drop_table("decision_meetings")
    with op.batch_alter_table("decision_legal_opinions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_legal_opinions_decision_id"))

    op.drop_table("decision_legal_opinions")
    with op.batch_alter_table("decision_filings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_filings_target_path"))
        batch_op.drop_index(batch_op.f("ix_decision_filings_decision_id"))

    op.drop_table("decision_filings")
    with op.batch_alter_table("decision_ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_ballots_decision_id"))

    op.drop_table("decision_ballots")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_typical_case"))
        batch_op.drop_index(batch_op.f("ix_decisions_state"))
        batch_op.drop_index(batch_op.f("ix_decisions_scope_path"))
        batch_op.drop_index(batch_op.f("ix_decisions_org_unit_id"))
        batch_op.drop_index(batch_op.f("ix_decisions_catalog_code"))

    op.drop_table("decisions")
    with op.batch_alter_table("decision_catalog_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_catalog_versions_code"))

    op.drop_table("decision_catalog_versions")
    op.drop_table("residents_meeting_rules")
    op.drop_table("decision_catalog")
