import { OcmError } from '../errors.js';

/** A cluster resource (IDMS/ITMS, CatalogSource, …) cannot be generated; fatal for the run (§5.1). */
export class ClusterResourceError extends OcmError {
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super('CLUSTER_RESOURCES', message, options);
  }
}
