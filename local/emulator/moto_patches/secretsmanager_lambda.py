"""Secrets Manager rotation configuration and Lambda function configuration: make moto
5.2.5 answer like AWS, so that Terraform (AWS provider 5.x) plans "No changes" after a
deploy and a rotation function sees what it would see on AWS.

What moto lacks, and what patch() changes (read from moto/secretsmanager/models.py and
moto/awslambda/{models,responses}.py of 5.2.5 -- re-check when bumping the pin):

Secrets Manager
1. RotateSecret with RotationRules {ScheduleExpression, Duration} kept only
   AutomaticallyAfterDays (0 when a schedule expression was given), so DescribeSecret
   answered RotationRules {AutomaticallyAfterDays: 0}: aws_secretsmanager_secret_rotation
   read rotation_rules back as changed on every plan. Now RotationRules echoes
   ScheduleExpression and Duration as given, and AutomaticallyAfterDays when given (or,
   as AWS does, the number of days of a rate(N days) expression).
2. RotationEnabled became true only for AutomaticallyAfterDays > 0, so with a schedule
   expression it stayed false -- during the rotation steps (a rotation function that checks
   DescribeSecret's RotationEnabled, as AWS's templates do, refused to rotate) and
   afterwards (the provider then reads rotation_lambda_arn and rotation_rules as empty).
   AWS turns rotation on when RotateSecret configures it, before the first step runs. Now
   RotationEnabled is true as soon as RotateSecret has a function (given or configured),
   before any step is invoked; a RotateSecret that fails (unknown function, rotation in
   progress, bad rules) leaves the previous configuration as it was.
3. NextRotationDate was set only for AutomaticallyAfterDays. Now it is computed for
   rate(N days|hours) and cron(...) schedules too (the next time the schedule matches, in
   UTC), and removed by CancelRotateSecret. CancelRotateSecret otherwise keeps moto's
   behaviour, which matches AWS: RotationEnabled false, RotationLambdaARN and RotationRules
   kept (the provider's delete of aws_secretsmanager_secret_rotation is CancelRotateSecret;
   its read then shows rotation_lambda_arn "" and no rotation_rules, as on AWS).

Lambda
4. DeadLetterConfig was dropped by CreateFunction and UpdateFunctionConfiguration, so
   GetFunction / GetFunctionConfiguration never returned it and the provider planned to add
   dead_letter_config every time. Now it is kept and returned ({TargetArn}); an update with
   an empty TargetArn (how the provider removes it) removes it.
5. UpdateFunctionConfiguration ignored KMSKeyArn (CreateFunction kept it). Now it is
   updated too ("" removes it), and an unset key is omitted instead of returned as null.
6. GetFunction omitted Concurrency when ReservedConcurrentExecutions was 0 (a function
   throttled on purpose), so the provider read reserved_concurrent_executions as -1.
   GetFunctionConcurrency answered {"ReservedConcurrentExecutions": null} where AWS
   answers {} for a function without a reservation.
7. LoggingConfig was dropped, so the provider read logging_config back as empty and planned
   to set it every time. Now it is kept and returned as AWS returns it: the given settings,
   with LogFormat "Text" and LogGroup "/aws/lambda/<name>" where not given; an update
   replaces it.
"""

from __future__ import annotations

import calendar
import json
import re
import time
from datetime import datetime, timedelta, timezone
from typing import Any

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(hours?|days?)\s*\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_DURATION = re.compile(r"^(\d+)h$")

# Attribute names this module adds to moto's FakeSecret / LambdaFunction objects.
_RULES = "_keyplane_rotation_rules"
_DLQ = "_keyplane_dead_letter_target"
_LOGGING = "_keyplane_logging_config"


def patch() -> None:
    _patch_secretsmanager()
    _patch_lambda()


# --------------------------------------------------------------- schedule expressions

_MONTHS = {m: i for i, m in enumerate(calendar.month_abbr) if m}  # JAN..DEC -> 1..12
_DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}


def _cron_field(text: str, low: int, high: int, names: dict[str, int]) -> set[int] | None:
    """Values a cron field matches; None for "any" ('*' or '?'). Raises ValueError for
    what this small evaluator does not handle (L, W, #)."""
    if text in ("*", "?"):
        return None
    values: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
            if step < 1:
                raise ValueError(text)
        if part in ("*", "?"):
            start, end = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = _cron_value(a, names), _cron_value(b, names)
        else:
            start = _cron_value(part, names)
            end = high if step > 1 else start
        if not (low <= start <= high and low <= end <= high):
            raise ValueError(text)
        values.update(range(start, end + 1, step))
    return values


def _cron_value(text: str, names: dict[str, int]) -> int:
    key = text.upper()
    return names[key] if key in names else int(text)


def _next_cron(expr: str, after: datetime) -> datetime:
    """Next minute (UTC) after `after` matched by a 6-field AWS cron expression."""
    fields = expr.split()
    if len(fields) != 6:
        raise ValueError(expr)
    minutes = _cron_field(fields[0], 0, 59, {}) or set(range(60))
    hours = _cron_field(fields[1], 0, 23, {}) or set(range(24))
    dom = _cron_field(fields[2], 1, 31, {})
    month = _cron_field(fields[3], 1, 12, _MONTHS)
    dow = _cron_field(fields[4], 1, 7, _DAYS)  # AWS: 1 = Sunday
    year = _cron_field(fields[5], 1970, 2199, {})
    start = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
    day = start.replace(hour=0, minute=0)
    for _ in range(366 * 5):
        aws_dow = (day.weekday() + 1) % 7 + 1  # Monday=0 -> 2, Sunday=6 -> 1
        if (
            (dom is None or day.day in dom)
            and (dow is None or aws_dow in dow)
            and (month is None or day.month in month)
            and (year is None or day.year in year)
        ):
            for h in sorted(hours):
                for m in sorted(minutes):
                    candidate = day.replace(hour=h, minute=m)
                    if candidate >= start:
                        return candidate
        day += timedelta(days=1)
    raise ValueError(expr)


def _schedule(rules: dict[str, Any], now: float) -> tuple[int | None, int | None]:
    """(NextRotationDate as epoch seconds, AutomaticallyAfterDays to report) for rules."""
    days = rules.get("AutomaticallyAfterDays")
    expr = (rules.get("ScheduleExpression") or "").strip()
    if not expr:
        return (int(now) + int(days) * 86400, int(days)) if days else (None, None)
    rate = _RATE.match(expr)
    if rate:
        n = int(rate.group(1))
        if rate.group(2).startswith("day"):
            return int(now) + n * 86400, days or n
        return int(now) + n * 3600, days
    cron = _CRON.match(expr)
    try:
        if not cron:
            raise ValueError(expr)
        after = datetime.fromtimestamp(now, tz=timezone.utc)
        first = _next_cron(cron.group(1), after)
        second = _next_cron(cron.group(1), first)
        gap_days = max(1, round((second - first).total_seconds() / 86400))
        return int(first.timestamp()), days or gap_days
    except (ValueError, KeyError):
        # An expression this evaluator does not understand (L, W, #): still plausible.
        return int(now) + 86400, days


# ------------------------------------------------------------------ Secrets Manager


def _patch_secretsmanager() -> None:
    from moto.secretsmanager.exceptions import InvalidParameterException
    from moto.secretsmanager.models import FakeSecret, SecretsManagerBackend

    def validate(rules: dict[str, Any]) -> None:
        expr = rules.get("ScheduleExpression")
        if expr is not None:
            if rules.get("AutomaticallyAfterDays") is not None:
                raise InvalidParameterException(
                    "You can't specify both AutomaticallyAfterDays and ScheduleExpression."
                )
            if not (_RATE.match(expr.strip()) or _CRON.match(expr.strip())):
                raise InvalidParameterException(
                    f"Invalid ScheduleExpression: {expr}. Use rate(...) or cron(...)."
                )
        duration = rules.get("Duration")
        if duration is not None:
            m = _DURATION.match(duration)
            if not m or not 1 <= int(m.group(1)) <= 24:
                raise InvalidParameterException(
                    f"Invalid Duration: {duration}. Use a number of hours from 1h to 24h."
                )

    saved_fields = (
        "rotation_requested",
        "rotation_enabled",
        "rotation_lambda_arn",
        "auto_rotate_after_days",
        "next_rotation_date",
    )

    inner_rotate = SecretsManagerBackend.rotate_secret  # launcher.py's wrapper, or moto's

    def rotate_secret(self: Any, secret_id: str, **kwargs: Any) -> str:
        secret = self.secrets[secret_id] if self._is_valid_identifier(secret_id) else None
        if not isinstance(secret, FakeSecret) or secret.is_deleted():
            return inner_rotate(self, secret_id, **kwargs)  # moto's errors
        rules = kwargs.get("rotation_rules")
        if rules:
            validate(rules)
        function_arn = kwargs.get("rotation_lambda_arn") or secret.rotation_lambda_arn
        saved = {name: getattr(secret, name) for name in saved_fields}
        saved_rules = getattr(secret, _RULES, None)
        saved_versions = {
            vid: {**v, "version_stages": list(v["version_stages"])}
            for vid, v in secret.versions.items()
        }
        if function_arn:
            # Configure rotation before moto invokes the first step: AWS does, and a
            # function checks RotationEnabled in DescribeSecret before it rotates.
            if rules:
                setattr(secret, _RULES, dict(rules))
            elif saved_rules is None and secret.auto_rotate_after_days:
                setattr(secret, _RULES, {"AutomaticallyAfterDays": secret.auto_rotate_after_days})
            kept = getattr(secret, _RULES, None) or {}
            secret.rotation_requested = True
            secret.rotation_enabled = True
            secret.rotation_lambda_arn = function_arn
            secret.next_rotation_date, _ = _schedule(kept, time.time())
        try:
            result = inner_rotate(self, secret_id, **kwargs)
        except Exception:
            # Failed before any step ran (unknown function, rotation in progress): AWS
            # changes nothing, moto had already added an AWSPENDING version.
            for name, value in saved.items():
                setattr(secret, name, value)
            setattr(secret, _RULES, saved_rules)
            secret.versions = saved_versions
            raise
        if function_arn:
            kept = getattr(secret, _RULES, None) or {}
            secret.rotation_enabled = True
            secret.next_rotation_date, days = _schedule(kept, time.time())
            secret.auto_rotate_after_days = days or 0
        return result

    inner_cancel = SecretsManagerBackend.cancel_rotate_secret

    def cancel_rotate_secret(self: Any, secret_id: str) -> str:
        result = inner_cancel(self, secret_id)
        self.secrets[secret_id].next_rotation_date = None  # no rotation is scheduled
        return result

    inner_to_dict = FakeSecret.to_dict

    def to_dict(self: Any) -> dict[str, Any]:
        dct = inner_to_dict(self)
        rules = getattr(self, _RULES, None)
        if self.rotation_requested and rules:
            out: dict[str, Any] = {}
            _, days = _schedule(rules, time.time())
            if days:
                out["AutomaticallyAfterDays"] = int(days)
            for key in ("Duration", "ScheduleExpression"):
                if rules.get(key):
                    out[key] = rules[key]
            dct["RotationRules"] = out
        if dct.get("NextRotationDate") is None:
            dct.pop("NextRotationDate", None)
        return dct

    SecretsManagerBackend.rotate_secret = rotate_secret  # type: ignore[method-assign]
    SecretsManagerBackend.cancel_rotate_secret = cancel_rotate_secret  # type: ignore[method-assign]
    FakeSecret.to_dict = to_dict  # type: ignore[method-assign]


# --------------------------------------------------------------------------- Lambda


def _dead_letter_target(config: Any) -> str | None:
    if isinstance(config, dict):
        return config.get("TargetArn") or None
    return None


def _logging_config(function_name: str, given: dict[str, Any] | None) -> dict[str, Any]:
    """A function's LoggingConfig as AWS answers it: the given settings over the defaults."""
    return {
        "LogFormat": "Text",
        "LogGroup": f"/aws/lambda/{function_name}",
        **{key: value for key, value in (given or {}).items() if value},
    }


def _patch_lambda() -> None:
    from moto.awslambda.models import LambdaFunction
    from moto.awslambda.responses import LambdaResponse

    inner_init = LambdaFunction.__init__

    def __init__(self: Any, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        inner_init(self, account_id, spec, *args, **kwargs)
        setattr(self, _DLQ, _dead_letter_target(spec.get("DeadLetterConfig")))
        setattr(self, _LOGGING, _logging_config(self.function_name, spec.get("LoggingConfig")))
        self.kms_key_arn = spec.get("KMSKeyArn") or None

    inner_update = LambdaFunction.update_configuration

    def update_configuration(self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
        if "DeadLetterConfig" in config_updates:
            setattr(self, _DLQ, _dead_letter_target(config_updates["DeadLetterConfig"]))
        if "KMSKeyArn" in config_updates:
            self.kms_key_arn = config_updates["KMSKeyArn"] or None
        if "LoggingConfig" in config_updates:
            logging = _logging_config(self.function_name, config_updates["LoggingConfig"])
            setattr(self, _LOGGING, logging)
        return inner_update(self, config_updates)

    inner_configuration = LambdaFunction.get_configuration

    def get_configuration(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        config = inner_configuration(self, *args, **kwargs)
        target = getattr(self, _DLQ, None)
        if target:
            config["DeadLetterConfig"] = {"TargetArn": target}
        config["LoggingConfig"] = getattr(self, _LOGGING, None) or _logging_config(
            self.function_name, None
        )
        if not config.get("KMSKeyArn"):
            config.pop("KMSKeyArn", None)
        return config

    inner_get_code = LambdaFunction.get_code

    def get_code(self: Any) -> dict[str, Any]:
        resp = inner_get_code(self)
        if self.reserved_concurrency is not None and "Concurrency" not in resp:
            resp["Concurrency"] = {"ReservedConcurrentExecutions": int(self.reserved_concurrency)}
        return resp

    inner_get_concurrency = LambdaResponse.get_function_concurrency

    def get_function_concurrency(self: Any) -> Any:
        status, headers, body = inner_get_concurrency(self)
        if json.loads(body).get("ReservedConcurrentExecutions") is None:
            body = "{}"
        return status, headers, body

    LambdaFunction.__init__ = __init__  # type: ignore[method-assign]
    LambdaFunction.update_configuration = update_configuration  # type: ignore[method-assign]
    LambdaFunction.get_configuration = get_configuration  # type: ignore[method-assign]
    LambdaFunction.get_code = get_code  # type: ignore[method-assign]
    LambdaResponse.get_function_concurrency = get_function_concurrency  # type: ignore[method-assign]
