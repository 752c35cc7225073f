// What a rejected request is told: ajv's first error, reworded so that it names the parameter
// and, for an unknown parameter or a value outside a list, what is allowed instead.
interface AjvError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
  readonly parentSchema?: { readonly properties?: Record<string, unknown> };
}

export function validationMessage(errors: readonly AjvError[], context: string | undefined, fallback: string): string {
  const e = errors[0];
  if (!e) return fallback;
  const where = context ?? 'request';
  const name = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
  if (e.keyword === 'additionalProperties') {
    const unknown = String(e.params.additionalProperty);
    const known = Object.keys(e.parentSchema?.properties ?? {});
    return `${where} parameter ${JSON.stringify(unknown)} is not known${known.length > 0 ? `; known: ${known.join(', ')}` : ''}`;
  }
  if (e.keyword === 'enum') {
    return `${where} ${name} is not one of ${(e.params.allowedValues as unknown[]).map(String).join(', ')}`;
  }
  return fallback;
}
