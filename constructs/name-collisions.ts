/**
 * IAM compares role names without case, and the default service name is cut to 40 characters:
 * two stacks whose names differ only in case, or only after the 40th character, would make
 * rotation services whose roles (`<service>-rotation`) collide at apply time.
 */
import type { IConstruct } from 'constructs';
import { wiredServices } from './service-wiring';

/** The collision of `service`'s name with an earlier service's in the same app, if any. */
export function serviceNameCollisions(service: IConstruct & { serviceName: string }): string[] {
  const name = service.serviceName.toLowerCase();
  const earlier = wiredServices(service)
    .map((c) => c as IConstruct & { serviceName: string })
    .find((c) => c !== service && c.serviceName.toLowerCase() === name);
  if (!earlier || earlier.node.path > service.node.path) return [];
  return [
    `serviceName ${JSON.stringify(service.serviceName)} makes the same IAM role name as ${earlier.node.path} (${JSON.stringify(earlier.serviceName)}): IAM names ignore case, and the default name keeps the first 40 characters of keyplane-<stack>; set a distinct serviceName`,
  ];
}
