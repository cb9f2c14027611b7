import openapiTS, { astToString } from 'openapi-typescript';

/**
 * The wire types: exactly what goes over HTTP, as openapi-typescript reads the spec. The SDK's
 * generated code is typed against them, so a request body that drifts from the spec fails to
 * compile.
 */
export async function emitWireTypes(specFile: string): Promise<string> {
  const nodes = await openapiTS(new URL(`file://${specFile}`), { silent: true, alphabetize: false, defaultNonNullable: false });
  return astToString(nodes);
}
