// Typed errors of the format dispatch: a file that is none of the formats lambda-ml reads.
import { LambdaMlError } from '../core/errors.js';

/** The bytes are no model format lambda-ml knows; the message lists the accepted ones. */
export class UnknownModelFormatError extends LambdaMlError {}
