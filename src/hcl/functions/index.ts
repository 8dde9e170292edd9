// The function library, with Terraform's names, parameters, results and error messages: one
// module per family, assembled here. A new function goes into its family's table (a new family
// is one more module and one more line in FUNCTION_FAMILIES); call.ts holds the calling
// convention every implementation relies on.
import type { HclFunction } from './call.js';
import { stringFunctions } from './strings.js';
import { collectionFunctions } from './collections.js';
import { numberFunctions } from './numbers.js';
import { conversionFunctions } from './conversion.js';
import { encodingFunctions } from './encoding.js';
import { networkFunctions } from './networks.js';
import { fileFunctions } from './files.js';
import { setFunctions } from './sets.js';
import { hashFunctions } from './hashes.js';
import { datetimeFunctions } from './datetime.js';
import { sensitivityFunctions } from './sensitivity.js';

export {
  FunctionError,
  callFunction,
  tooDeep,
  type CallContext,
  type CallEnv,
  type FileAccess,
  type FileKind,
  type FunctionParam,
  type HclFunction,
} from './call.js';

/**
 * The families by name, in the order their functions are listed (a "did you mean" suggestion
 * takes the first of equally close names). Each name belongs to one family, as a test checks.
 */
export const FUNCTION_FAMILIES: Readonly<Record<string, Readonly<Record<string, HclFunction>>>> = Object.freeze({
  strings: stringFunctions,
  collections: collectionFunctions,
  numbers: numberFunctions,
  conversion: conversionFunctions,
  encoding: encodingFunctions,
  sets: setFunctions,
  networks: networkFunctions,
  files: fileFunctions,
  hashes: hashFunctions,
  datetime: datetimeFunctions,
  sensitivity: sensitivityFunctions,
});

/** Terraform's standard functions by name. */
export const standardFunctions: Readonly<Record<string, HclFunction>> = Object.freeze(Object.assign({}, ...Object.values(FUNCTION_FAMILIES)));
