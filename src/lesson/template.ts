export type Vars = Readonly<Record<string, string>>;

const variablePattern = /\{([a-zA-Z][a-zA-Z0-9]*)\}/g;

/** Fill {name} from vars; a name with no value becomes `missing` (default: empty). */
export function fill(template: string, vars: Vars, missing = ''): string {
	return template.replace(variablePattern, (_, name: string) => vars[name] ?? missing);
}

/** Fill every string inside a value (objects and arrays are copied). */
export function fillDeep<T>(value: T, vars: Vars): T {
	if (typeof value === 'string') return fill(value, vars) as T;
	if (Array.isArray(value)) return value.map((item: unknown) => fillDeep(item, vars)) as T;
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillDeep(item, vars)])) as T;
	}
	return value;
}

/** The {names} a text uses, in order. */
export function variablesIn(text: string): string[] {
	return [...text.matchAll(variablePattern)].map(match => match[1]!);
}

/** The {names} used by every string inside a value (objects and arrays are walked). */
export function variablesInDeep(value: unknown): string[] {
	if (typeof value === 'string') return variablesIn(value);
	if (Array.isArray(value)) return value.flatMap(variablesInDeep);
	if (value && typeof value === 'object') return Object.values(value).flatMap(variablesInDeep);
	return [];
}
