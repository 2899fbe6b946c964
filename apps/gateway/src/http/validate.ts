/** Runs a zod schema over request input; failures become INVALID_REQUEST naming what is wrong. */
import type { z } from 'zod';
import { invalidRequest } from '../errors/gateway-error';

export function describeIssues(error: z.ZodError, what: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return `${path === '' ? what : `${path}`}: ${issue.message}`;
    })
    .join('; ');
}

export function validate<S extends z.ZodType>(schema: S, input: unknown, what = 'body'): z.output<S> {
  if (input === undefined && what === 'body') throw invalidRequest('a JSON body is required');
  const result = schema.safeParse(input);
  if (!result.success) throw invalidRequest(describeIssues(result.error, what));
  return result.data;
}
