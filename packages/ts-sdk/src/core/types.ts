/**
 * An open enum: the known values (for autocompletion) or any other string a newer server may
 * send. Code that switches on it should keep a default branch.
 */
export type Open<T extends string> = T | (string & {});
