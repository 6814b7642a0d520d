"""The health check answers for the database."""


def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_is_503_when_the_database_is_unreachable(app, tmp_path):
    app.config["SQLALCHEMY_DATABASE_URI"] = "unused"
    with app.app_context():
        from clinic.extensions import db

        # Point the engine at a file in a folder that does not exist.
        db.engines[None].dispose()
        db.engines[None] = db.create_engine(
            f"sqlite:///{tmp_path}/missing/dir/db.sqlite3"
        )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}
