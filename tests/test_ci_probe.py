from sqlalchemy import text


def test_select_one(engine, database_url):
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    assert engine.dialect.name == database_url.split(":")[0].split("+")[0]
    assert engine.dialect.name in {"sqlite", "postgresql"}
