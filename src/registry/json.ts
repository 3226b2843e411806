/** Small helpers both HTTP clients share. */

export function parseJson(body: Buffer | string): unknown {
	try {
		return JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
	} catch {
		return undefined;
	}
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null;
}

export function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
