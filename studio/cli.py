"""Flask commands: ``flask --app wsgi seed-demo``, ``create-admin``, ``import-members``,
``send-reminders``, ``jobs-worker``."""
import getpass

import click
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from studio.extensions import db


def register(app):
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the demo studios (idempotent) and print the demo logins."""
        from studio.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo

        created = seed_demo()
        click.echo("Demo data: " + (", ".join(created) + " created" if created else "already loaded"))
        click.echo(f"Demo logins (password {DEMO_PASSWORD} for every account):")
        for username, who in DEMO_LOGINS:
            click.echo(f"  {username:<28} {who}")

    @app.cli.command("create-admin")
    @click.argument("username")
    @click.option("--name", default="项目办管理员")
    def create_admin(username, name):
        """Create a platform admin (asks for the password)."""
        from models import User
        from studio.passwords import password_problem

        if db.session.execute(select(User).where(User.username == username)).first():
            raise click.ClickException(f"{username} exists already")
        password = getpass.getpass("Password: ")
        problem = password_problem(password, username)
        if problem:
            raise click.ClickException(str(problem))
        user = User(username=username, name=name, is_admin=True)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        click.echo(f"admin {username} created")

    @app.cli.command("import-members")
    @click.argument("studio_name")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--initial-password", prompt=True, hide_input=True)
    def import_members(studio_name, path, initial_password):
        """Import members from a CSV or XLSX file into a studio, all or nothing."""
        from blueprints.admin.operations import apply_import, preview_import
        from models import Studio, User
        from studio.errors import RuleError
        from studio.passwords import password_problem

        studio = db.session.execute(select(Studio).where(Studio.name == studio_name)).scalar_one_or_none()
        if studio is None:
            raise click.ClickException(f"no studio named {studio_name}")
        admin = db.session.execute(select(User).where(User.is_admin.is_(True))).scalars().first()
        if admin is None:
            raise click.ClickException("no admin account yet: run create-admin first")
        with open(path, "rb") as handle:
            data = handle.read()
        # No request here, so no session to choose a language from: use the default one.
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            problem = password_problem(initial_password)
            if problem:
                raise click.ClickException(str(problem))
            try:
                rows, batch = preview_import(studio, path, data, initial_password, admin)
                if batch is None:
                    for row in rows:
                        for problem in row["problems"]:
                            click.echo(f"line {row['line']}: {problem}", err=True)
                    raise click.ClickException("nothing imported")
                db.session.flush()
                count = apply_import(batch, admin)
                db.session.commit()
            except RuleError as error:
                db.session.rollback()
                raise click.ClickException(str(error.message))
        click.echo(f"{count} members imported")

    @app.cli.command("count-presence")
    def count_presence_command():
        """Credit online attendance by presence for the online activities that ended in the
        last week (each member once). Run it hourly beside send-reminders."""
        from blueprints.activities.presence import evaluate_ended

        recorded = evaluate_ended()
        db.session.commit()
        click.echo(f"Online attendances recorded: {len(recorded)}")

    @app.cli.command("send-reminders")
    def send_reminders_command():
        """Send the reminders that are due (tasks due soon or overdue, reviews waiting 5
        days), each once. Run it hourly (docs/DEPLOYMENT.md)."""
        from blueprints.notifications.reminders import send_reminders

        sent = send_reminders()
        db.session.commit()
        click.echo("Reminders sent: " + ", ".join(f"{kind} {n}" for kind, n in sent.items()))

    @app.cli.command("jobs-worker")
    @click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
    def jobs_worker(burst):
        """Run the background job worker (RQ) on this deployment's queue; needs REDIS_URL."""
        from studio.jobs import queue_name, run_worker

        if not current_app.config.get("REDIS_URL"):
            raise click.ClickException("REDIS_URL is not set: jobs run in the web process.")
        click.echo(f"Working on queue {queue_name(current_app)}")
        run_worker(current_app._get_current_object(), burst=burst)
