"""migration-in-deploy: a database migration run inside a deploy job."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from actiongen.findings import Severity
from actiongen.lazyre import lazy_compile
from actiongen.rules._deploy import action_of, locate, lower_name, migration, role
from actiongen.rules.base import Context, Rule

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from actiongen.findings import Finding
    from actiongen.model.workflow import Step


class MigrationInDeploy(Rule):
    """
    ## What it does
    Reports a step of a deploy-stage job that runs a database migration: `db:migrate`
    (Rails, sequelize, npm scripts), `prisma migrate deploy`, `alembic upgrade`,
    `manage.py migrate`, `artisan migrate`, `flyway migrate`, `liquibase update`,
    `knex migrate`, `goose up`, `dbmate up`, `diesel migration run`, `sqlx migrate run`,
    `mix ecto.migrate`, `atlas migrate apply`, `typeorm migration:run`, `drizzle-kit
    migrate`, `supabase db push`, or a Flyway/Liquibase/migration action. Commands inside
    an action's script inputs (`script:` of an SSH action, for example) count too.

    Not reported: a job of its own for the migration (the separate step the seed asks
    for), known by its id or name (`migrate-production`) or by doing nothing else
    besides set-up (checkout, tool set-up, log-in, dependency install), unless it is
    named *deploy* (but not `deploy-db` or `deploy-schema`); jobs with
    `services:` (the migration prepares a throw-away test database); and checks such as
    `makemigrations --check`.

    ## Why is this bad?
    "Separate deploy and migrate" (seed §53.3, rule 3): a migration changes shared
    state that a code rollback does not undo. Run inside the deploy job, it is applied
    by every re-run and every rollback attempt of that job, it cannot be approved on its
    own, and a failure halfway leaves new schema under old code. As its own job, gated
    by its environment, it can be reviewed, run once, and kept backward compatible
    with the code on either side of it.

    ## Example
    ```yaml
    jobs:
      deploy:
        environment: production
        steps:
          - run: ./deploy.sh
          - run: npm run db:migrate
    ```

    ## Use instead
    ```yaml
    jobs:
      migrate:
        environment: production-migrations
        steps:
          - run: npm run db:migrate
      deploy:
        needs: migrate
        environment: production
        steps:
          - run: ./deploy.sh
    ```
    """

    id = "migration-in-deploy"
    severity = Severity.WARNING
    summary = "a database migration runs inside a deploy job"

    def check(self, ctx: Context) -> Iterator[Finding]:
        wf = ctx.workflow
        assert wf is not None
        for job in wf.jobs.values():
            info = ctx.stages.get(job.id)
            if info is None or info.stage != "deploy" or job.services is not None:
                continue
            name = lower_name(job)
            if "migrat" in name:
                continue
            found = [(step, migration(step)) for step in job.steps]
            if not any(m for _, m in found):
                continue
            named_deploy = re.search(r"deploy|rollout", name) and not re.search(
                r"\bdb\b|database|schema", name
            )
            if not (_does_more(found) or named_deploy):
                continue  # a job of its own for the migration: what the seed asks for
            for step, m in found:
                if m is None:
                    continue
                yield self.finding(
                    ctx,
                    locate(ctx.doc, *m),
                    f"step `{step.label}` of deploy job `{job.id}` runs a database migration; "
                    "deploying and migrating in one job means a rollback or re-run of the "
                    "deploy re-applies or strands the schema change",
                    "move the migration into its own job, gated by its own environment, "
                    "that the deploy job `needs:`; keep migrations backward compatible",
                    job=job,
                    step=step,
                )


#: Steps that only prepare a job: check out, set up tools, log in, install.
_SETUP_USES = lazy_compile(
    r"checkout|/setup-|cache|login|configure-|credentials|auth|download-artifact|install"
)
_SETUP_RUN = lazy_compile(
    r"^\s*(?:(?:npm|pnpm|yarn|bun)\s+(?:ci|install)|yarn|pip3?\s+install|uv\s+sync"
    r"|poetry\s+install|bundle(?:\s+install)?|composer\s+install|go\s+mod\s+download"
    r"|echo\b|cd\b|export\b)[^\n]*$",
    re.IGNORECASE,
)


def _does_more(found: Sequence[tuple[Step, object]]) -> bool:
    """A step deploys, or some step besides the migrations and the set-up does work."""
    for step, m in found:
        if role(step).deploys:
            return True
        if m is not None:
            continue
        if step.uses is not None and _SETUP_USES.search(action_of(step)):
            continue
        if step.run is not None and all(
            _SETUP_RUN.match(line) or not line.strip() for line in step.run.text.splitlines()
        ):
            continue
        return True
    return False
