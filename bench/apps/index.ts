/** The two apps every scale figure compares. */
import { App } from 'cdktf';
import { baselineApp } from './baseline-app';
import { keyplaneApp } from './keyplane-app';
import { OfflineStack } from './offline-provider';

export const APP_KINDS = ['keyplane', 'baseline'] as const;
export type AppKind = (typeof APP_KINDS)[number];

export const APPS: Record<AppKind, (app: App, consumers: number) => OfflineStack> = {
  keyplane: keyplaneApp,
  baseline: baselineApp,
};
