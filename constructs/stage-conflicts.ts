/**
 * API Gateway lets an API key be in only one usage plan per API stage. Stages can be given as
 * ids and names or as cdktf resources, and every read of a resource attribute (`api.id`) is a
 * new token, so each stage is compared by a stable key: its values with tokens resolved to the
 * Terraform expressions they stand for, and a stage resource by the name it was created with.
 * Internal to the constructs: not exported from the package.
 */
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { DefaultTokenResolver, StringConcat, Tokenization } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { UsagePlan, UsagePlanStage } from './usage-plan';

const STABLE_RESOLVER = new DefaultTokenResolver(new StringConcat());

/** The stable keys of the stages each plan covers, with the text shown in messages. */
const covered = new WeakMap<UsagePlan, Map<string, string>>();

/** The stable key of a stage and how messages name it. */
export function stageKey(scope: IConstruct, stage: UsagePlanStage): { key: string; shown: string } {
  const resolve = (value: string): string =>
    String(Tokenization.resolve(value, { scope, resolver: STABLE_RESOLVER }));
  const apiId = typeof stage.api === 'string' ? stage.api : stage.api.id;
  const stageName =
    stage.stage instanceof ApiGatewayStage
      ? (stage.stage.stageNameInput ?? stage.stage.stageName)
      : stage.stage;
  const key = `${resolve(apiId)}/${resolve(stageName)}`;
  const api = typeof stage.api === 'string' ? stage.api : stage.api.node.path;
  return { key, shown: `API ${api} stage ${resolve(stageName)}` };
}

/** Records that a plan covers a stage; false when it already did. */
export function recordStage(plan: UsagePlan, key: string, shown: string): boolean {
  let stages = covered.get(plan);
  if (!stages) covered.set(plan, (stages = new Map()));
  if (stages.has(key)) return false;
  stages.set(key, shown);
  return true;
}

/**
 * One message per API stage that two of the plans cover, without the construct path (cdktf's
 * validation report and `conflict` add it).
 */
export function stageConflicts(plans: readonly UsagePlan[]): string[] {
  const owner = new Map<string, UsagePlan>();
  const errors: string[] = [];
  for (const plan of plans) {
    for (const [key, shown] of covered.get(plan) ?? []) {
      const other = owner.get(key);
      if (other && other !== plan) {
        errors.push(
          `usagePlans ${other.node.path} and ${plan.node.path} both cover ${shown}; API Gateway allows a key in one plan per API stage, so drop one plan from the consumer or the stage from one plan`
        );
      }
      owner.set(key, plan);
    }
  }
  return errors;
}
