"""API Gateway usage counters for moto 5.2.5: GetUsage, UpdateUsage, and simulated traffic.

moto has no usage model: GET /usageplans/{id}/usage does not route and PATCH
/usageplans/{id}/keys/{keyId}/usage neither. patch() adds both, following the API reference
(docs.aws.amazon.com/apigateway/latest/api/API_GetUsage.html, API_UpdateUsage.html) and the
developer guide's "Maintain a usage plan" page:

- GetUsage(usagePlanId, startDate, endDate[, keyId]) answers, for each key in the plan (or
  only keyId), one [used, remaining] pair per day from startDate to endDate inclusive, in
  "values" keyed by key id. `used` counts that day's requests; `remaining` is what the key had
  left of the plan's quota at the end of that day, within the quota period the day falls in
  (the plan's limit minus the requests of the period so far, plus any UpdateUsage of the
  period up to that day). A plan without a quota reports remaining 0. Unknown plan:
  NotFoundException; a missing or malformed date, or endDate before startDate:
  BadRequestException.
- UpdateUsage(usagePlanId, keyId, patchOperations) "grants a temporary extension to the
  remaining quota": op `replace` on path `/remaining` sets the key's remaining quota for the
  current period to the value (the guide's example reduces it from 5000 to 10); the next
  period starts from the plan's limit again. It answers the key's usage for today. Unknown
  plan, or a key not in the plan: NotFoundException; any other op or path, a value that is not
  a whole number >= 0, or a plan without a quota: BadRequestException.

Quota periods, as keyplane assumes them (AWS documents DAY/WEEK/MONTH, not their edges): a
DAY is a UTC calendar day, a WEEK starts on Monday 00:00 UTC, a MONTH on the 1st 00:00 UTC.
The plan's quota offset (which only lowers the first period) is not modelled.

Traffic: there is no API Gateway data plane here, so tests simulate requests with
POST /_keyplane/usage {"usagePlanId", "keyId", "requests"[, "date"]} (signed like any API
Gateway call, which picks the region). A disabled key, or one outside the plan, has every
request rejected; with a quota, requests beyond the key's remaining are rejected (429 in
AWS) and not counted. It answers {"accepted": n, "rejected": m}. `date` (yyyy-MM-dd,
default today UTC) books the requests on another day, for period-boundary tests; on a past
day they count against what the key had left at the end of that day.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

TRAFFIC_PATH = "/_keyplane/usage"


@dataclass
class KeyUsage:
    """One key's counters in one plan: requests per day, UpdateUsage adjustments per day."""

    used: dict[date, int] = field(default_factory=dict)
    adjustments: dict[date, int] = field(default_factory=dict)


def period_start(day: date, period: str) -> date:
    """First day of the quota period `day` falls in."""
    if period == "WEEK":
        return day - timedelta(days=day.weekday())
    if period == "MONTH":
        return day.replace(day=1)
    return day


def today() -> date:
    return date(*time.gmtime()[:3])


def remaining_at(usage: KeyUsage, quota: dict[str, Any], day: date) -> int:
    """What the key had left of the quota at the end of `day`; 0 without a quota."""
    if not quota or "limit" not in quota:
        return 0
    start = period_start(day, str(quota.get("period", "DAY")))
    in_period = range((day - start).days + 1)
    days = [start + timedelta(days=i) for i in in_period]
    spent = sum(usage.used.get(d, 0) for d in days)
    extended = sum(usage.adjustments.get(d, 0) for d in days)
    return max(0, int(quota["limit"]) - spent + extended)


def patch() -> None:
    from moto.apigateway import urls
    from moto.apigateway.exceptions import BadRequestException, NotFoundException
    from moto.apigateway.models import APIGatewayBackend, apigateway_backends
    from moto.apigateway.responses import APIGatewayResponse

    class UsageKeyNotFound(NotFoundException):
        code = 404  # moto's NotFoundException base class answers 400

        def __init__(self, key_id: str) -> None:
            super().__init__(f"Invalid API Key identifier specified: {key_id}")

    def counters(backend: APIGatewayBackend, plan_id: str, key_id: str) -> KeyUsage:
        store: dict[tuple[str, str], KeyUsage] = backend.__dict__.setdefault("keyplane_usage", {})
        return store.setdefault((plan_id, key_id), KeyUsage())

    def query(self: APIGatewayResponse, name: str) -> str | None:
        values = self.querystring.get(name)
        return values[0] if values else None

    def parse_day(raw: str | None, name: str) -> date:
        if not raw:
            raise BadRequestException(f"{name} is required")
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise BadRequestException(f"Invalid {name}: {raw} (expected yyyy-MM-dd)")

    def members(backend: APIGatewayBackend, plan_id: str) -> list[str]:
        return sorted(backend.usage_plan_keys.get(plan_id, {}))

    def pairs(backend: APIGatewayBackend, plan: Any, key_id: str, start: date, end: date) -> list[list[int]]:
        usage = counters(backend, plan.id, key_id)
        days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
        return [[usage.used.get(d, 0), remaining_at(usage, plan.quota, d)] for d in days]

    # ------------------------------------------------------------------ GetUsage
    urls.url_paths["{0}/usageplans/(?P<usage_plan_id>[^/]+)/usage$"] = APIGatewayResponse.dispatch

    def get_usage(self: APIGatewayResponse) -> str:
        plan_id = self.path.split("/")[2]
        plan = self.backend.get_usage_plan(plan_id)  # NotFoundException if unknown
        start = parse_day(query(self, "startDate"), "startDate")
        end = parse_day(query(self, "endDate"), "endDate")
        if end < start:
            raise BadRequestException("The endDate must not be before the startDate")
        key_id = query(self, "keyId")
        keys = [k for k in members(self.backend, plan_id) if key_id is None or k == key_id]
        return json.dumps(
            {
                "usagePlanId": plan_id,
                "startDate": start.isoformat(),
                "endDate": end.isoformat(),
                "values": {k: pairs(self.backend, plan, k, start, end) for k in keys},
            }
        )

    # --------------------------------------------------------------- UpdateUsage
    urls.url_paths[
        "{0}/usageplans/(?P<usage_plan_id>[^/]+)/keys/(?P<api_key_id>[^/]+)/usage$"
    ] = APIGatewayResponse.dispatch

    def update_usage(self: APIGatewayResponse) -> str:
        parts = self.path.split("/")
        plan_id, key_id = parts[2], parts[4]
        plan = self.backend.get_usage_plan(plan_id)
        if key_id not in self.backend.usage_plan_keys.get(plan_id, {}):
            raise UsageKeyNotFound(key_id)
        if not plan.quota or "limit" not in plan.quota:
            raise BadRequestException(f"Usage plan {plan_id} has no quota to extend")
        now = today()
        usage = counters(self.backend, plan_id, key_id)
        for op in self._get_param("patchOperations") or []:
            if op.get("op") != "replace" or op.get("path") != "/remaining":
                raise BadRequestException(
                    f"Invalid patch operation specified. Must be 'replace /remaining', got "
                    f"'{op.get('op')} {op.get('path')}'"
                )
            raw = str(op.get("value", ""))
            if not raw.isdigit():
                raise BadRequestException(f"Invalid remaining value: {raw}")
            delta = int(raw) - remaining_at(usage, plan.quota, now)
            usage.adjustments[now] = usage.adjustments.get(now, 0) + delta
        return json.dumps(
            {
                "usagePlanId": plan_id,
                "startDate": now.isoformat(),
                "endDate": now.isoformat(),
                "values": {key_id: pairs(self.backend, plan, key_id, now, now)},
            }
        )

    APIGatewayResponse.get_usage = get_usage  # type: ignore[attr-defined]
    APIGatewayResponse.update_usage = update_usage  # type: ignore[attr-defined]

    # ---------------------------------------------------------- simulated traffic
    def simulate_traffic(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
        try:
            body = json.loads(request.get_data() or b"{}")
            plan_id, key_id = str(body["usagePlanId"]), str(body["keyId"])
            requests = int(body["requests"])
            day = date.fromisoformat(body["date"]) if body.get("date") else today()
        except (KeyError, TypeError, ValueError) as error:
            return 400, {}, json.dumps({"message": f"bad traffic request: {error}"})
        if requests < 0:
            return 400, {}, json.dumps({"message": "requests must be >= 0"})
        credential = str(headers.get("Authorization", "")).split("Credential=")[-1].split("/")
        region = credential[2] if len(credential) > 2 else "us-east-1"
        from moto.core import DEFAULT_ACCOUNT_ID

        backend = apigateway_backends[DEFAULT_ACCOUNT_ID][region]
        plan = backend.usage_plans.get(plan_id)
        key = backend.keys.get(key_id)
        if plan is None or key is None:
            return 404, {}, json.dumps({"message": f"no plan {plan_id} or key {key_id}"})
        accepted = 0
        if key.enabled and key_id in backend.usage_plan_keys.get(plan_id, {}):
            usage = counters(backend, plan_id, key_id)
            if plan.quota and "limit" in plan.quota:
                accepted = min(requests, remaining_at(usage, plan.quota, day))
            else:
                accepted = requests
            usage.used[day] = usage.used.get(day, 0) + accepted
        answer = {"accepted": accepted, "rejected": requests - accepted}
        return 200, {"Content-Type": "application/json"}, json.dumps(answer)

    urls.url_paths["{0}" + TRAFFIC_PATH + "$"] = simulate_traffic
