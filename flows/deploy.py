"""`zwgk deploy`: each portal's schedule as a Prefect deployment on a process work pool, run by workers anywhere.

One deployment per portal (`crawl-<portal>`, the names `zwgk serve` uses), not one per cron: a portal is what a
worker takes, so portals that share a cron still spread over the workers instead of all landing in one flow run on
one machine. Each run is one snapshot of its portal.

The deployments name their flow by module path (`flows.crawl.scheduled_crawl`), not by a file and without pull
steps: a process worker imports it from the zwgk installed beside it, wherever that checkout is, so no code is
shipped and no path has to match. Nothing of the deploying machine's environment goes into a deployment either: a
process worker starts each flow run with its own environment (Prefect's ProcessJobConfiguration: the worker's
`os.environ`, then the deployment's job variables, of which zwgk sets none), so every worker's ZWGK_WAREHOUSE,
ZWGK_CATALOG, ZWGK_DATA_PATH, ZWGK_CONFIG and AWS_* reach the runs it starts. `--config` and `--warehouse`, when
given, are fixed in the deployment's parameters: those paths must then exist on every worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from zwgk.settings import Portal

POOL_TYPE = "process"


class DeployError(RuntimeError):
    """The deployments cannot be made: the message says what and what to do."""


@dataclass(frozen=True)
class Deployed:
    name: str  # the deployment's name; Prefect's full name is "scheduled-crawl/<name>"
    portal: str
    schedule: str
    deployment_id: UUID


def deployment_name(portal: str) -> str:
    return f"crawl-{portal}"


def ensure_pool(name: str) -> bool:
    """The process work pool `name`, created with Prefect's default process job template when missing; True when
    this call created it. A pool of another type is refused: its workers would need an image."""
    from prefect import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
    from prefect.workers.process import ProcessWorker

    with get_client(sync_client=True) as client:
        try:
            pool = client.read_work_pool(name)
        except ObjectNotFound:
            try:
                client.create_work_pool(WorkPoolCreate(
                    name=name, type=POOL_TYPE, base_job_template=ProcessWorker.get_default_base_job_template(),
                    description="zwgk crawls: start workers with `prefect worker start --pool " + name + "`"))
            except ObjectAlreadyExists:  # another deploy made it meanwhile
                return False
            return True
    if pool.type != POOL_TYPE:
        raise DeployError(f"work pool {name!r} is of type {pool.type!r}; zwgk deploys to a process pool: "
                          "pass --pool with another name (it is created) or a process pool's")
    return False


def check_schedules(portals: list[Portal]) -> None:
    """Every schedule a cron expression Prefect takes, before anything is created."""
    from prefect.client.schemas.schedules import CronSchedule

    for portal in portals:
        try:
            CronSchedule(cron=portal.schedule or "")
        except ValueError as exc:
            raise DeployError(f"portal {portal.name}: schedule {portal.schedule!r} is not a cron expression "
                              "(five fields, e.g. \"0 3 * * *\")") from exc


def deploy(portals: list[Portal], pool: str, config: str | None, warehouse: str | None) -> tuple[bool, list[Deployed]]:
    """One deployment per portal (each must have a schedule) on the process pool `pool`, created or updated; whether
    the pool was created, and what was deployed."""
    from prefect.deployments.runner import EntrypointType, RunnerDeployment

    from flows.crawl import scheduled_crawl

    check_schedules(portals)
    created = ensure_pool(pool)
    done = []
    for portal in portals:
        assert portal.schedule
        deployment = scheduled_crawl.to_deployment(
            name=deployment_name(portal.name), cron=portal.schedule, work_pool_name=pool,
            entrypoint_type=EntrypointType.MODULE_PATH,
            parameters={"config": config, "portals": [portal.name], "warehouse": warehouse},
            tags=["zwgk", portal.name], description=f"crawl of portal {portal.name} into one snapshot")
        assert isinstance(deployment, RunnerDeployment)  # called sync: Prefect's dispatch returned the value
        deployment_id = deployment.apply(work_pool_name=pool)
        assert isinstance(deployment_id, UUID)
        done.append(Deployed(deployment.name, portal.name, portal.schedule, deployment_id))
    return created, done


def stale_deployments(pool: str, keep: set[str]) -> list[str]:
    """Crawl deployments on `pool` that are not among `keep`: portals since removed from the config (their runs
    would fail saying so). Listed, never deleted: a shared pool may carry another config's deployments."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName, WorkPoolFilter, WorkPoolFilterName

    from flows.crawl import scheduled_crawl

    with get_client(sync_client=True) as client:
        found = client.read_deployments(flow_filter=FlowFilter(name=FlowFilterName(any_=[scheduled_crawl.name])),
                                        work_pool_filter=WorkPoolFilter(name=WorkPoolFilterName(any_=[pool])))
    return sorted(d.name for d in found if d.name not in keep)


def api_error(exc: BaseException, url: str) -> str | None:
    """What to tell the user when the Prefect API could not be reached or refused a request; None for a bug."""
    import httpx
    from prefect.exceptions import PrefectHTTPStatusError

    if isinstance(exc, PrefectHTTPStatusError):
        return f"the Prefect API at {url} refused a request: {str(exc).splitlines()[0]}"
    if isinstance(exc, httpx.HTTPError):
        return (f"cannot reach the Prefect API at {url} ({str(exc) or type(exc).__name__}): start the server "
                "(`prefect server start`) or correct PREFECT_API_URL")
    return None
