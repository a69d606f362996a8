/**
 * The keyplane design: 10 UsagePlans, one RotationService, and one ManagedApiKey per consumer,
 * each consumer in one plan. The Lambda issues the keys, so Terraform declares per consumer
 * only the secret, its placeholder version and its rotation.
 */
import { App } from 'cdktf';
import { ManagedApiKey, Period, RotationService, UsagePlan } from '../../constructs';
import { OfflineStack, STACK_NAME } from './offline-provider';
import { benchPlans, consumerName, PLAN_COUNT } from './plans';

export function keyplaneApp(app: App, consumers: number): OfflineStack {
  const stack = new OfflineStack(app, STACK_NAME);
  const rotationService = new RotationService(stack, 'Rotation', { serviceName: 'bench' });
  const plans = benchPlans().map(
    (plan) =>
      new UsagePlan(stack, plan.name, {
        name: plan.name,
        quota: { limit: plan.quota.limit, period: Period.MONTH },
        throttle: plan.throttle,
      })
  );
  for (let i = 0; i < consumers; i++) {
    new ManagedApiKey(stack, consumerName(i), {
      consumer: consumerName(i),
      usagePlans: [plans[i % PLAN_COUNT]],
      recoveryWindowInDays: 0,
      rotationService,
    });
  }
  return stack;
}
