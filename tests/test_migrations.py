"""The migrations build exactly the schema the models describe, on each database the
suite runs on: a model changed without its migration fails here, and so in CI."""


def test_models_and_migrations_agree(app):
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output  # alembic's "new upgrade operations"


def test_migrations_go_down_and_up_again(app):
    runner = app.test_cli_runner()
    down = runner.invoke(args=["db", "downgrade", "base"])
    assert down.exit_code == 0, down.output
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    assert runner.invoke(args=["db", "check"]).exit_code == 0
