export * from './events';
export * from './secret-value';
export * from './tags';
export * from './key-format';
export * from './metrics';
export * from './health-check-url';
