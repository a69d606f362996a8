"""API Gateway (REST, v1) API keys and usage plans: make moto 5.2.5 answer like AWS.

What moto lacks, and what patch() changes (read from moto/apigateway/{urls,models,
responses}.py of 5.2.5 -- re-check when bumping the pin):

1. Tags on API keys and usage plans. moto sets them only at create time; GetTags,
   TagResource and UntagResource (GET/PUT/DELETE /tags/{arn}) only understand stage ARNs,
   and an ARN like arn:aws:apigateway:us-east-1::/apikeys/<id> does not even route (404).
   Now those ARNs route here: TagResource merges into the resource's tags (which
   GetApiKey/GetApiKeys/GetUsagePlan return), UntagResource drops the named keys, GetTags
   returns them; an unknown id is NotFoundException. Stage ARNs still go to moto.
2. Paging. GetApiKeys, GetUsagePlans and GetUsagePlanKeys ignored `limit` and `position`
   and returned everything. Now they page like AWS: at most `limit` items (default 25,
   capped at 500), `position` in the answer while more remain. Items are in id order and
   the (opaque) position names the last id returned, so deleting items between pages skips none.
   GetApiKeys also honours `customerId` (moto ignored it).
3. Usage plan membership. CreateUsagePlanKey for a key already in the plan answered 201
   (AWS: ConflictException, 409), and for an unknown plan created a phantom membership
   (AWS: NotFoundException). DeleteUsagePlanKey / GetUsagePlanKeys / DeleteUsagePlan on an
   unknown plan or key was an internal error (500) or an empty list (AWS:
   NotFoundException). DeleteApiKey and DeleteUsagePlan left memberships behind, so a
   deleted key stayed listed in GetUsagePlanKeys and GetUsagePlans(keyId=...).
4. UpdateApiKey did not move lastUpdatedDate.
5. Removing a stage with per-method throttles from a plan (UpdateUsagePlan) was a 500.

Already right in moto, left alone: includeValue(s) (values only on request), nameQuery
(moto and this patch match it as a name prefix), UpdateApiKey replace of /enabled, /name,
/description, /customerId.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from typing import Any, Callable
from urllib.parse import unquote

DEFAULT_PAGE = 25  # AWS: "The default value is 25 and the maximum value is 500."
MAX_PAGE = 500

# Resource ARNs whose tags this patch keeps (region in the ARN is not checked: the
# request's region picks the backend, as for everything else in moto).
_TAGGABLE_ARN = re.compile(r"^arn:[^:]+:apigateway:[^:]*::/(apikeys|usageplans)/([^/]+)$")


def patch() -> None:
    from moto.apigateway import urls
    from moto.apigateway.exceptions import (
        ApiKeyNotFoundException,
        BadRequestException,
        ConflictException,
        NotFoundException,
        UsagePlanNotFoundException,
    )
    from moto.apigateway.models import APIGatewayBackend, ApiKey
    from moto.apigateway.responses import APIGatewayResponse

    class UsagePlanKeyNotFound(NotFoundException):
        code = 404  # moto's NotFoundException base class answers 400

        def __init__(self, key_id: str) -> None:
            super().__init__(f"Invalid API Key identifier specified: {key_id}")

    # ------------------------------------------------------------------ 1. tags
    # The server's routes are built from urls.url_paths when the first API Gateway
    # request arrives, so adding to the dict before the server starts is enough. The
    # decoded path of /tags/arn%3A...%2Fapikeys%2F<id> has slashes in it, which moto's
    # "/tags/<arn without slash>" route cannot match.
    arn_prefix = "{0}/tags/arn:(?P<partition>[^/]+):apigateway:(?P<region_name>[^/]+)::"
    for kind in ("apikeys", "usageplans"):
        urls.url_paths[f"{arn_prefix}/{kind}/(?P<resource_id>[^/]+)$"] = (
            APIGatewayResponse.dispatch
        )

    def taggable(self: APIGatewayResponse) -> Any | None:
        """The ApiKey or UsagePlan the request's ARN names; None for other ARNs (stages)."""
        arn = unquote(self.path.split("/tags/", 1)[1])
        match = _TAGGABLE_ARN.match(arn)
        if match is None:
            return None
        kind, resource_id = match.groups()
        if kind == "apikeys":
            return self.backend.get_api_key(resource_id)  # NotFoundException if unknown
        return self.backend.get_usage_plan(resource_id)

    original_get_tags = APIGatewayResponse.get_tags
    original_tag_resource = APIGatewayResponse.tag_resource
    original_untag_resource = APIGatewayResponse.untag_resource

    def get_tags(self: APIGatewayResponse) -> Any:
        resource = taggable(self)
        if resource is None:
            return original_get_tags(self)
        return json.dumps({"tags": dict(resource.tags or {})})

    def tag_resource(self: APIGatewayResponse) -> Any:
        resource = taggable(self)
        if resource is None:
            return original_tag_resource(self)
        tags = self._get_param("tags") or {}
        resource.tags = {**(resource.tags or {}), **tags}
        return 204, {"status": 204}, ""  # AWS: 204, no body

    def untag_resource(self: APIGatewayResponse) -> Any:
        resource = taggable(self)
        if resource is None:
            return original_untag_resource(self)
        drop = set(self.querystring.get("tagKeys") or [])
        resource.tags = {k: v for k, v in (resource.tags or {}).items() if k not in drop}
        return 204, {"status": 204}, ""

    APIGatewayResponse.get_tags = get_tags  # type: ignore[method-assign]
    APIGatewayResponse.tag_resource = tag_resource  # type: ignore[method-assign]
    APIGatewayResponse.untag_resource = untag_resource  # type: ignore[method-assign]

    # ---------------------------------------------------------------- 2. paging
    def query(self: APIGatewayResponse, name: str) -> str | None:
        values = self.querystring.get(name)
        return values[0] if values else None

    def encode_position(last_id: str) -> str:
        return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode()

    def decode_position(position: str) -> str:
        """The last id of the previous page; BadRequestException for a made-up position."""
        try:
            raw = base64.b64decode(position.encode("ascii"), altchars=b"-_", validate=True)
            after = json.loads(raw)["after"]
        except (binascii.Error, UnicodeError, ValueError, TypeError, KeyError):
            raise BadRequestException("Invalid position parameter")
        if not isinstance(after, str):
            raise BadRequestException("Invalid position parameter")
        return after

    def paged(
        original: Callable[[APIGatewayResponse], str],
        keep: Callable[[APIGatewayResponse, dict[str, Any]], bool] = lambda _s, _i: True,
    ) -> Callable[[APIGatewayResponse], str]:
        """Wraps a moto list handler (which answers {"item": [everything]}) with AWS paging."""

        def handler(self: APIGatewayResponse) -> str:
            raw_limit = query(self, "limit")
            try:
                limit = DEFAULT_PAGE if raw_limit is None else int(raw_limit)
            except ValueError:
                raise BadRequestException(f"Invalid limit: {raw_limit}")
            if limit < 1:
                raise BadRequestException(f"Invalid limit: {raw_limit}")
            limit = min(limit, MAX_PAGE)
            raw_position = query(self, "position")
            after = decode_position(raw_position) if raw_position else None

            body = json.loads(original(self))
            items = sorted(
                (item for item in body.get("item", []) if keep(self, item)),
                key=lambda item: item["id"],
            )
            if after is not None:
                items = [item for item in items if item["id"] > after]
            page = items[:limit]
            answer: dict[str, Any] = {"item": page}
            if len(items) > limit:
                answer["position"] = encode_position(page[-1]["id"])
            return json.dumps(answer)

        return handler

    def same_customer(self: APIGatewayResponse, item: dict[str, Any]) -> bool:
        customer = query(self, "customerId")
        return customer is None or item.get("customerId") == customer

    APIGatewayResponse.get_api_keys = paged(APIGatewayResponse.get_api_keys, same_customer)  # type: ignore[method-assign]
    APIGatewayResponse.get_usage_plans = paged(APIGatewayResponse.get_usage_plans)  # type: ignore[method-assign]
    APIGatewayResponse.get_usage_plan_keys = paged(APIGatewayResponse.get_usage_plan_keys)  # type: ignore[method-assign]

    # ------------------------------------------------------ 3. plan membership
    def require_plan(backend: APIGatewayBackend, usage_plan_id: str) -> None:
        if usage_plan_id not in backend.usage_plans:
            raise UsagePlanNotFoundException()

    original_create_usage_plan_key = APIGatewayBackend.create_usage_plan_key

    def create_usage_plan_key(
        self: APIGatewayBackend, usage_plan_id: str, payload: dict[str, Any]
    ) -> Any:
        require_plan(self, usage_plan_id)
        key_id = payload.get("keyId", "")
        if key_id not in self.keys:
            raise ApiKeyNotFoundException()
        if key_id in self.usage_plan_keys.get(usage_plan_id, {}):
            # The product treats this code as "already a member" (the message is ours).
            raise ConflictException(f"API Key {key_id} is already in usage plan {usage_plan_id}")
        return original_create_usage_plan_key(self, usage_plan_id, payload)

    original_get_usage_plan_keys = APIGatewayBackend.get_usage_plan_keys

    def get_usage_plan_keys(
        self: APIGatewayBackend, usage_plan_id: str, name: str | None = None
    ) -> Any:
        require_plan(self, usage_plan_id)
        return original_get_usage_plan_keys(self, usage_plan_id, name=name)

    def delete_usage_plan_key(self: APIGatewayBackend, usage_plan_id: str, key_id: str) -> None:
        require_plan(self, usage_plan_id)
        members = self.usage_plan_keys.get(usage_plan_id, {})
        if key_id not in members:
            raise UsagePlanKeyNotFound(key_id)
        del members[key_id]

    original_delete_api_key = APIGatewayBackend.delete_api_key

    def delete_api_key(self: APIGatewayBackend, api_key_id: str) -> None:
        original_delete_api_key(self, api_key_id)  # NotFoundException if unknown
        for members in self.usage_plan_keys.values():
            members.pop(api_key_id, None)

    def delete_usage_plan(self: APIGatewayBackend, usage_plan_id: str) -> None:
        require_plan(self, usage_plan_id)
        del self.usage_plans[usage_plan_id]
        self.usage_plan_keys.pop(usage_plan_id, None)

    APIGatewayBackend.create_usage_plan_key = create_usage_plan_key  # type: ignore[method-assign]
    APIGatewayBackend.get_usage_plan_keys = get_usage_plan_keys  # type: ignore[method-assign]
    APIGatewayBackend.delete_usage_plan_key = delete_usage_plan_key  # type: ignore[method-assign]
    APIGatewayBackend.delete_api_key = delete_api_key  # type: ignore[method-assign]
    APIGatewayBackend.delete_usage_plan = delete_usage_plan  # type: ignore[method-assign]

    # ------------------------------------------------------- 4. lastUpdatedDate
    original_update_operations = ApiKey.update_operations

    def update_operations(self: ApiKey, patch_operations: list[dict[str, Any]]) -> ApiKey:
        result = original_update_operations(self, patch_operations)
        self.last_updated_date = int(time.time())
        return result

    ApiKey.update_operations = update_operations  # type: ignore[method-assign]

    # ------------------------------------------- 5. removing a stage from a plan
    # moto removes {"apiId", "stage"} from the plan's stages by equality, so a stage that
    # carries per-method throttles never matches: UpdateUsagePlan answers 500 and Terraform,
    # which removes a plan's stages before deleting the plan, retries for ever. AWS removes
    # the stage whatever its throttles.
    from moto.apigateway.models import UsagePlan

    original_apply_patch_operations = UsagePlan.apply_patch_operations

    def apply_patch_operations(self: UsagePlan, patch_operations: list[dict[str, Any]]) -> None:
        rest = []
        for op in patch_operations:
            if op.get("op") == "remove" and op.get("path") == "/apiStages":
                api_id, _, stage = str(op.get("value", "")).partition(":")
                self.api_stages = [
                    s for s in self.api_stages if (s.get("apiId"), s.get("stage")) != (api_id, stage)
                ]
            else:
                rest.append(op)
        original_apply_patch_operations(self, rest)

    UsagePlan.apply_patch_operations = apply_patch_operations  # type: ignore[method-assign]
