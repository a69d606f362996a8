export * from './duration';
export { KeyplaneValidationError, type ValidationErrorDetails } from './errors';
export * from './managed-api-key';
export * from './key-rotation-schedule';
export * from './rotation-service';
export * from './usage-plan';
export { SecretTag, KeyTag, PLAN_ID_SEPARATOR } from '../contract/tags';
export type {
  IssuedKeyValue,
  RegionalKeyRecord,
  BootstrapValue,
  SecretValue,
} from '../contract/secret-value';
export * from './scanner-suppression';
