"""The Alembic tree and the ORM models agree (autogenerate finds nothing to do), on SQLite and
PostgreSQL, and the tree goes down to base and up again."""

import uuid
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import CheckConstraint, Column, MetaData, String, Uuid, bindparam, create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from governance_api.db import Database
from governance_api.migrate import alembic_config, upgrade
from governance_api.models import Base
from governance_api.models.base import utcnow
from governance_api.models.disputes import Dispute
from governance_api.settings import Settings
from world import World


def _diff(settings: Settings) -> list[Any]:
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(ctx, Base.metadata))
    finally:
        engine.dispose()


def _tables(settings: Settings) -> set[str]:
    engine = create_engine(settings.database_url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _head(settings: Settings) -> str | None:
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def test_migrations_match_the_models(settings: Settings, dialect: str) -> None:
    assert create_engine(settings.database_url).dialect.name == dialect
    assert _diff(settings) == []


def test_database_is_at_the_single_head(settings: Settings) -> None:
    heads = ScriptDirectory.from_config(alembic_config(settings)).get_heads()
    assert len(heads) == 1, f"the migration tree has branched: {heads}"
    assert _head(settings) == heads[0]


def test_downgrade_to_base_and_upgrade_again(settings: Settings) -> None:
    expected = set(Base.metadata.tables)
    assert _tables(settings) == expected
    command.downgrade(alembic_config(settings), "base")
    assert _tables(settings) == set()
    upgrade(settings)
    assert _tables(settings) == expected
    assert _diff(settings) == []


def test_the_comparison_does_see_drift(settings: Settings) -> None:
    """The control: a model column the migrations lack, or a changed type, shows up in the diff."""
    drifted = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["org_units"].append_column(Column("nickname", String(20)))
    drifted.tables["users"].c.display_name.type = String(300)
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, drifted)
    finally:
        engine.dispose()
    kinds = {d[0] if isinstance(d, tuple) else d[0][0] for d in diff}
    assert kinds == {"add_column", "modify_type"}, diff


_UUID = ("id", "unit", "grid", "user", "other", "party")


def _sql(settings: Settings, statement: str, **values: Any) -> list[Any]:
    """Run one statement on the database as the migrations left it; ids bound as UUIDs."""
    values = {k: v for k, v in values.items() if f":{k}" in statement}
    stmt = text(statement).bindparams(*(bindparam(k, type_=Uuid()) for k in values if k in _UUID))
    engine = create_engine(settings.database_url)
    try:
        with engine.begin() as conn:
            result = conn.execute(stmt, values)
            return list(result) if result.returns_rows else []
    finally:
        engine.dispose()


def test_0014_keeps_work_orders_and_parties_and_gives_their_keys_back_on_downgrade(settings: Settings) -> None:
    """A work order recorded before 0014 is keyed by its dispute after it, and a downgrade gives it
    back the dispute's channel, external id, creator and time; parties are keyed by their place; the
    dispute's unit must then be its grid or its community (a check, in place of the third foreign
    key)."""
    command.downgrade(alembic_config(settings), "0013_fewer_indexes")
    ids = {"id": uuid.uuid4(), "unit": uuid.uuid4(), "grid": uuid.uuid4(), "user": uuid.uuid4(), "other": uuid.uuid4()}
    for unit, code in ((ids["unit"], "c-1"), (ids["other"], "c-2")):
        _sql(
            settings,
            "INSERT INTO org_units (id, kind, code, name, parent_id, path, active, created_at, updated_at) "
            "VALUES (:unit, 'community', :code, 'c', NULL, '/c/', TRUE, '2026-11-01', '2026-11-01')",
            unit=unit,
            code=code,
        )
    _sql(
        settings,
        "INSERT INTO org_units (id, kind, code, name, parent_id, path, active, created_at, updated_at) "
        "VALUES (:grid, 'grid', 'g-1', 'g', :unit, '/c/g/', TRUE, '2026-11-01', '2026-11-01')",
        grid=ids["grid"],
        unit=ids["unit"],
    )
    _sql(
        settings,
        "INSERT INTO users (id, username, password_hash, display_name, active, created_at, updated_at) "
        "VALUES (:user, 'feed', '!', 'feed', TRUE, '2026-11-01', '2026-11-01')",
        user=ids["user"],
    )
    dispute = (
        "INSERT INTO disputes (id, community_id, grid_id, org_unit_id, scope_path, channel, category, title, "
        "description, external_id, tracking_code, level, level_entered_at, state, version, group_dispute, "
        "multi_department, early_warning, created_by_id, created_at, updated_at) VALUES (:id, :unit, :grid, "
        ":org_unit, '/c/g/', 'yiwangtongguan', 'neighbor', 't', 'd', :ext, :code, 'community', "
        "'2026-11-02', 'reported', 1, FALSE, FALSE, FALSE, :user, '2026-11-02', '2026-11-02')"
    )
    _sql(settings, dispute.replace(":org_unit", ":grid"), ext="W-1", code="T1", **ids)
    _sql(
        settings,
        "INSERT INTO work_orders (channel, external_id, dispute_id, content_hash, source_category_code, "
        "reported_at, address, attachments, received_by_id, received_at) VALUES ('yiwangtongguan', 'W-1', "
        ":id, 'h', '0301', '2026-11-01', NULL, '[]', :user, '2026-11-02')",
        id=ids["id"],
        user=ids["user"],
    )
    for seq, name in enumerate(("张三", "李四")):
        _sql(
            settings,
            "INSERT INTO dispute_parties (id, dispute_id, seq, name, role) "
            "VALUES (:party, :id, :seq, :name, 'applicant')",
            party=uuid.uuid4(),
            id=ids["id"],
            seq=seq,
            name=name,
        )

    upgrade(settings)
    assert _sql(settings, "SELECT content_hash, source_category_code FROM work_orders") == [("h", "0301")]
    assert _sql(settings, "SELECT seq, name FROM dispute_parties ORDER BY seq") == [(0, "张三"), (1, "李四")]
    with pytest.raises(IntegrityError):  # one party per place
        _sql(
            settings,
            "INSERT INTO dispute_parties (dispute_id, seq, name, role) VALUES (:id, 1, 'x', 'related')",
            id=ids["id"],
        )
    assert _sql(settings, "SELECT dispute_id FROM work_orders")[0][0] in (ids["id"], ids["id"].hex, str(ids["id"]))
    other = {**ids, "id": uuid.uuid4()}
    with pytest.raises(IntegrityError):  # a unit that exists, but neither its grid nor its community
        _sql(settings, dispute.replace(":org_unit", ":other"), ext="W-2", code="T2", **other)
    _sql(settings, dispute.replace(":org_unit", ":unit").replace(":grid", "NULL"), ext="W-3", code="T3", **other)

    command.downgrade(alembic_config(settings), "0013_fewer_indexes")
    back = _sql(settings, "SELECT channel, external_id, received_by_id, received_at FROM work_orders")
    assert [(c, e) for c, e, _, _ in back] == [("yiwangtongguan", "W-1")]
    assert back[0][2] in (ids["user"], ids["user"].hex) and str(back[0][3]).startswith("2026-11-02")
    assert [n for (n,) in _sql(settings, "SELECT count(DISTINCT id) FROM dispute_parties WHERE id IS NOT NULL")] == [2]
    upgrade(settings)


def test_check_constraints_match_the_models(settings: Settings) -> None:
    """Alembic's comparison leaves check constraints out: their names (the naming convention applied
    once) are compared here, table by table."""
    engine = create_engine(settings.database_url)
    try:
        inspector = inspect(engine)
        for table in Base.metadata.sorted_tables:
            declared = {str(c.name) for c in table.constraints if isinstance(c, CheckConstraint) and c.name}
            found = {str(c["name"]) for c in inspector.get_check_constraints(table.name) if c.get("name")}
            assert found == declared, table.name
    finally:
        engine.dispose()


def test_a_patrol_finding_becomes_one_dispute_and_disputes_without_one_are_many(db: Database, world: World) -> None:
    """Since 0015 the unique index holds only the disputes that have a patrol finding: a second
    dispute naming the same finding is still refused; any number name none."""
    finding = uuid.uuid4()

    def dispute(n: int, patrol_finding_id: uuid.UUID | None) -> Dispute:
        unit = world.units["C1"]
        return Dispute(
            id=uuid.uuid4(),
            community_id=unit,
            org_unit_id=unit,
            scope_path=world.paths["C1"],
            channel="walk_in",
            category="neighbor",
            title="t",
            description="d",
            tracking_code=f"TRACK{n:011d}",
            level="community",
            level_entered_at=utcnow(),
            state="reported",
            patrol_finding_id=patrol_finding_id,
        )

    with db.session(write=True) as s:
        s.add_all([dispute(1, finding), dispute(2, None), dispute(3, None)])
        s.commit()
        s.add(dispute(4, finding))
        with pytest.raises(IntegrityError):
            s.commit()
